import type { z } from 'zod';
import { TOPIC_SCHEMAS, type PayloadOf, type Topic } from './topics.js';

export interface FieldError {
  /** Path of the first invalid field, e.g. `events[3].tool.name`. */
  field: string;
  message: string;
}

export type Validated<T> = { ok: true; value: T } | { ok: false; error: FieldError };

export function formatPath(path: readonly PropertyKey[]): string {
  let out = '';
  for (const part of path) {
    if (typeof part === 'number') out += `[${part}]`;
    else out += out ? `.${String(part)}` : String(part);
  }
  return out || '(root)';
}

export function validate<S extends z.ZodType>(schema: S, input: unknown): Validated<z.infer<S>> {
  const parsed = schema.safeParse(input);
  if (parsed.success) return { ok: true, value: parsed.data };
  const issue = parsed.error.issues[0];
  // An unknown key is the field at fault, not the object that holds it.
  const path = issue.code === 'unrecognized_keys' ? [...issue.path, issue.keys[0]] : issue.path;
  return { ok: false, error: { field: formatPath(path), message: issue.message } };
}

export class ContractViolation extends Error {
  constructor(
    readonly topic: string,
    readonly fieldError: FieldError,
  ) {
    super(`${topic}: ${fieldError.field} ${fieldError.message}`);
  }
}

/** Validates a payload against its topic's schema and serialises it; throws on a contract violation. */
export function encodeMessage<T extends Topic>(topic: T, payload: PayloadOf<T>): Buffer {
  const result = validate(TOPIC_SCHEMAS[topic], payload);
  if (!result.ok) throw new ContractViolation(topic, result.error);
  return Buffer.from(JSON.stringify(result.value));
}

/** Parses and validates bytes read from a topic. */
export function decodeMessage<T extends Topic>(
  topic: T,
  bytes: Buffer | null,
): Validated<PayloadOf<T>> {
  if (!bytes) return { ok: false, error: { field: '(root)', message: 'empty message' } };
  let json: unknown;
  try {
    json = JSON.parse(bytes.toString('utf8'));
  } catch {
    return { ok: false, error: { field: '(root)', message: 'not valid JSON' } };
  }
  return validate(TOPIC_SCHEMAS[topic], json) as Validated<PayloadOf<T>>;
}
