import fc from 'fast-check';
import { z } from 'zod';
import { TrajectoryEvent } from '@wink/contracts';

/** The part of JSON Schema that `z.toJSONSchema` writes for the event contract. */
interface Schema {
  type?: string;
  properties?: Record<string, Schema>;
  required?: string[];
  enum?: unknown[];
  const?: unknown;
  minLength?: number;
  maxLength?: number;
  pattern?: string;
  format?: string;
  minimum?: number;
  maximum?: number;
  items?: Schema;
  minItems?: number;
  maxItems?: number;
}

/**
 * Characters that stores treat specially, mixed with ordinary ones: NUL, lone surrogate halves,
 * astral pairs, control characters and plain text.
 */
const char = fc.oneof(
  { weight: 60, arbitrary: fc.string({ unit: 'grapheme-ascii', minLength: 1, maxLength: 1 }) },
  { weight: 1, arbitrary: fc.constantFrom('\u0000', '\ud800', '\udfff', '😀', '\u001b', 'é') },
  { weight: 1, arbitrary: fc.integer({ min: 0, max: 0xffff }).map((c) => String.fromCharCode(c)) },
);

function text(min: number, max: number): fc.Arbitrary<string> {
  const short = fc.string({ unit: char, minLength: min, maxLength: Math.min(max, 40) });
  // Strings at the limit, where clipping and column sizes go wrong.
  const atLimit = fc.tuple(char, char).map(([a, b]) => `${a}${b.repeat(max)}`.slice(0, max));
  return fc.oneof({ weight: 19, arbitrary: short }, { weight: 1, arbitrary: atLimit });
}

/** Nested JSON like tool arguments, now and then very deep. */
const json: fc.Arbitrary<unknown> = fc.oneof(
  { weight: 6, arbitrary: fc.jsonValue({ maxDepth: 3 }) },
  { weight: 2, arbitrary: fc.dictionary(text(0, 300), fc.oneof(text(0, 200), fc.integer())) },
  {
    weight: 1,
    arbitrary: fc.tuple(fc.integer({ min: 1, max: 300 }), text(0, 20)).map(([depth, leaf]) => {
      let v: unknown = leaf;
      for (let i = 0; i < depth; i++) v = i % 2 ? { k: v } : [v];
      return v;
    }),
  },
);

/** An ISO 8601 date-time across the whole range the contract's format admits. */
const dateTime = fc
  .tuple(
    fc.oneof(fc.integer({ min: 0, max: 9999 }), fc.integer({ min: 1970, max: 2100 })),
    fc.integer({ min: 1, max: 12 }),
    fc.integer({ min: 1, max: 28 }),
    fc.integer({ min: 0, max: 23 }),
    fc.integer({ min: 0, max: 59 }),
    fc.oneof(fc.constant(''), fc.stringMatching(/^\.\d{1,12}$/)),
    fc.oneof(fc.constant('Z'), fc.constantFrom('+00:00', '-05:30', '+14:00', '-23:59')),
  )
  .map(([y, mo, d, h, mi, frac, zone]) => {
    const p = (n: number, w = 2) => String(n).padStart(w, '0');
    return `${p(y, 4)}-${p(mo)}-${p(d)}T${p(h)}:${p(mi)}:00${frac}${zone}`;
  });

function integer(min = Number.MIN_SAFE_INTEGER, max = Number.MAX_SAFE_INTEGER) {
  const lo = Math.max(min, Number.MIN_SAFE_INTEGER);
  const hi = Math.min(max, Number.MAX_SAFE_INTEGER);
  return fc.oneof(
    fc.bigInt({ min: BigInt(lo), max: BigInt(hi) }).map(Number),
    fc.constantFrom(lo, hi, Math.min(hi, 2 ** 31), Math.min(hi, 2 ** 31 - 1), Math.max(lo, 0)),
  );
}

/** A fast-check arbitrary for whatever the JSON Schema describes. */
export function arbitraryOf(schema: Schema): fc.Arbitrary<unknown> {
  if (schema.enum) return fc.constantFrom(...schema.enum);
  if (schema.const !== undefined) return fc.constant(schema.const);
  switch (schema.type) {
    case 'object': {
      const entries = Object.entries(schema.properties ?? {}).map(([k, s]) => [k, arbitraryOf(s)]);
      const record: Record<string, fc.Arbitrary<unknown>> = Object.fromEntries(entries);
      return fc.record(record, { requiredKeys: (schema.required ?? []) as never[] });
    }
    case 'array':
      return fc.array(arbitraryOf(schema.items ?? {}), {
        minLength: schema.minItems ?? 0,
        maxLength: Math.min(schema.maxItems ?? 5, 5),
      });
    case 'integer':
      return integer(schema.minimum, schema.maximum);
    case 'number':
      return fc.double({ noNaN: true, noDefaultInfinity: true });
    case 'boolean':
      return fc.boolean();
    case 'string': {
      const max = schema.maxLength ?? 256;
      if (schema.format === 'date-time') return dateTime;
      if (schema.pattern)
        return fc
          .stringMatching(new RegExp(schema.pattern))
          .map((s) => s.slice(0, max))
          .filter((s) => s.length >= (schema.minLength ?? 0));
      return text(schema.minLength ?? 0, max);
    }
    default:
      return json;
  }
}

/**
 * TrajectoryEvents generated from the contract itself (its JSON Schema), so every field, limit
 * and enum the contract has is exercised, including the ones added later.
 */
export const contractEvent = arbitraryOf(
  z.toJSONSchema(TrajectoryEvent, { unrepresentable: 'any' }) as Schema,
) as fc.Arbitrary<Record<string, unknown>>;
