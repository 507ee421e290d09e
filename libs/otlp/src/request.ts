import { z } from 'zod';
import { validate, type Validated } from '@wink/contracts';
import { LATEST_NANOS } from './mapping.js';

/*
 * OTLP export requests in the OTLP/JSON shape (lowerCamelCase keys, ids as hex, 64-bit integers
 * as strings or numbers), which is also what a decoded protobuf request is turned into (ids as
 * bytes). Unknown fields are ignored, as OTLP asks of receivers; what Wink reads is checked, so
 * a bad payload is answered with the path of its first bad field.
 */

export interface AnyValue {
  stringValue?: string;
  boolValue?: boolean;
  intValue?: string | number;
  doubleValue?: number | string;
  arrayValue?: { values?: AnyValue[] };
  kvlistValue?: { values?: KeyValue[] };
  bytesValue?: string | Uint8Array;
}
export interface KeyValue {
  key: string;
  value?: AnyValue;
}

const Int64 = z.union([
  z.string().regex(/^-?\d+$/, 'must be a decimal integer'),
  z.number().int('must be an integer'),
]);
/** Unix nanoseconds, as a decimal string (64 bits do not fit a JS number). */
const Nanos = z
  .union([
    z.string().regex(/^\d+$/, 'must be a non-negative decimal integer (Unix nanoseconds)'),
    z.number().int().nonnegative(),
  ])
  .transform((v) => BigInt(v))
  .refine((n) => n < LATEST_NANOS, { message: 'must be a time before 2090 (Unix nanoseconds)' })
  .transform((n) => n.toString());

const AnyValueSchema: z.ZodType<AnyValue> = z.lazy(() =>
  z.object({
    stringValue: z.string().optional(),
    boolValue: z.boolean().optional(),
    intValue: Int64.optional(),
    doubleValue: z.union([z.number(), z.string()]).optional(),
    arrayValue: z.object({ values: z.array(AnyValueSchema).optional() }).optional(),
    kvlistValue: z.object({ values: z.array(KeyValueSchema).optional() }).optional(),
    bytesValue: z.union([z.string(), z.instanceof(Uint8Array)]).optional(),
  }),
);
const KeyValueSchema: z.ZodType<KeyValue> = z.lazy(() =>
  z.object({ key: z.string(), value: AnyValueSchema.optional() }),
);
const Attributes = z.array(KeyValueSchema).default([]);

/** A trace or span id: hex in OTLP/JSON, bytes in protobuf; `bytes` long, or empty if `optional`. */
function hexId(bytes: number, optional: boolean) {
  const length = bytes * 2;
  return z
    .union([z.string(), z.instanceof(Uint8Array)])
    .transform((v) => (typeof v === 'string' ? v.toLowerCase() : Buffer.from(v).toString('hex')))
    .refine((hex) => (optional && hex === '') || new RegExp(`^[0-9a-f]{${length}}$`).test(hex), {
      message: `must be ${length} hex digits (${bytes} bytes)${optional ? ' or empty' : ''}`,
    })
    .refine((hex) => optional || !/^0+$/.test(hex), { message: 'must not be all zeros' });
}

const Resource = z.object({ attributes: Attributes }).default({ attributes: [] });
const Scope = z.object({ name: z.string().optional(), version: z.string().optional() }).optional();

/** STATUS_CODE_ERROR, as the number OTLP/JSON requires or the enum name some encoders write. */
const StatusCode = z
  .union([z.number().int(), z.enum(['STATUS_CODE_UNSET', 'STATUS_CODE_OK', 'STATUS_CODE_ERROR'])])
  .transform((c) =>
    typeof c === 'number'
      ? c
      : ['STATUS_CODE_UNSET', 'STATUS_CODE_OK', 'STATUS_CODE_ERROR'].indexOf(c),
  );

const Span = z.object({
  traceId: hexId(16, false),
  spanId: hexId(8, false),
  parentSpanId: hexId(8, true).optional(),
  name: z.string().default(''),
  startTimeUnixNano: Nanos,
  endTimeUnixNano: Nanos,
  attributes: Attributes,
  events: z
    .array(z.object({ timeUnixNano: Nanos, name: z.string().default(''), attributes: Attributes }))
    .default([]),
  status: z
    .object({ code: StatusCode.default(0), message: z.string().default('') })
    .default({ code: 0, message: '' }),
});
export type OtlpSpan = z.infer<typeof Span>;

export const TraceRequest = z.object({
  resourceSpans: z
    .array(
      z.object({
        resource: Resource,
        scopeSpans: z
          .array(z.object({ scope: Scope, spans: z.array(Span).default([]) }))
          .default([]),
      }),
    )
    .default([]),
});
export type TraceRequest = z.infer<typeof TraceRequest>;

const LogRecord = z.object({
  timeUnixNano: Nanos.optional(),
  observedTimeUnixNano: Nanos.optional(),
  severityText: z.string().optional(),
  body: AnyValueSchema.optional(),
  attributes: Attributes,
  eventName: z.string().optional(),
});
export type OtlpLogRecord = z.infer<typeof LogRecord>;

export const LogsRequest = z.object({
  resourceLogs: z
    .array(
      z.object({
        resource: Resource,
        scopeLogs: z
          .array(z.object({ scope: Scope, logRecords: z.array(LogRecord).default([]) }))
          .default([]),
      }),
    )
    .default([]),
});
export type LogsRequest = z.infer<typeof LogsRequest>;

export const parseTraceRequest = (input: unknown): Validated<TraceRequest> =>
  validate(TraceRequest, input);
export const parseLogsRequest = (input: unknown): Validated<LogsRequest> =>
  validate(LogsRequest, input);
