import type { ValueTransformer } from 'typeorm';

/**
 * A `bigint` seq column read back as a number: pg returns int8 as a string, and every seq is
 * within Number.MAX_SAFE_INTEGER (the contract's MAX_SEQ), so the number is exact.
 */
export const SEQ_COLUMN: ValueTransformer = {
  to: (value: number | null | undefined) => value,
  from: (value: string | null) => (value === null ? null : Number(value)),
};

/** A seq (or step) column as raw SQL returns it, as a number; null stays null. */
export function seqOf(value: string | number): number;
export function seqOf(value: string | number | null): number | null;
export function seqOf(value: string | number | null): number | null {
  return value === null ? null : Number(value);
}
