/** Builders for OTLP/JSON export requests, as an OTel SDK's http/json exporter writes them. */

type Value = string | number | boolean | Value[];

export function anyValue(v: Value): Record<string, unknown> {
  if (typeof v === 'string') return { stringValue: v };
  if (typeof v === 'boolean') return { boolValue: v };
  if (Array.isArray(v)) return { arrayValue: { values: v.map(anyValue) } };
  return Number.isInteger(v) ? { intValue: String(v) } : { doubleValue: v };
}

export function attrs(values: Record<string, Value>) {
  return Object.entries(values).map(([key, value]) => ({ key, value: anyValue(value) }));
}

/** Nanoseconds since the epoch, as the decimal string OTLP/JSON uses, `seconds` after `base`. */
export function nanos(base: Date, seconds: number): string {
  return (BigInt(base.getTime() + Math.round(seconds * 1000)) * 1_000_000n).toString();
}

export interface SpanSpec {
  traceId: string;
  spanId: string;
  parentSpanId?: string;
  name: string;
  start: string;
  end: string;
  attributes: Record<string, Value>;
  error?: string;
  events?: Array<{ name: string; time: string; attributes: Record<string, Value> }>;
}

export function span(s: SpanSpec) {
  return {
    traceId: s.traceId,
    spanId: s.spanId,
    ...(s.parentSpanId ? { parentSpanId: s.parentSpanId } : {}),
    name: s.name,
    kind: 1,
    startTimeUnixNano: s.start,
    endTimeUnixNano: s.end,
    attributes: attrs(s.attributes),
    events: (s.events ?? []).map((e) => ({
      name: e.name,
      timeUnixNano: e.time,
      attributes: attrs(e.attributes),
    })),
    status: s.error ? { code: 2, message: s.error } : {},
  };
}

export function traceRequest(resource: Record<string, Value>, spans: unknown[]) {
  return {
    resourceSpans: [
      {
        resource: { attributes: attrs(resource) },
        scopeSpans: [{ scope: { name: 'agent' }, spans }],
      },
    ],
  };
}

export function logRecord(time: string, body: string, attributes: Record<string, Value>) {
  return { timeUnixNano: time, body: { stringValue: body }, attributes: attrs(attributes) };
}

export function logsRequest(resource: Record<string, Value>, logRecords: unknown[]) {
  return {
    resourceLogs: [
      {
        resource: { attributes: attrs(resource) },
        scopeLogs: [{ scope: { name: 'com.anthropic.claude_code.events' }, logRecords }],
      },
    ],
  };
}
