import type { AnyValue, KeyValue } from './request.js';

export type Attrs = Record<string, unknown>;

/** An OTLP AnyValue as a plain value: strings, booleans, numbers, arrays and objects. */
export function plainValue(value: AnyValue | undefined): unknown {
  if (!value) return undefined;
  if (value.stringValue !== undefined) return value.stringValue;
  if (value.boolValue !== undefined) return value.boolValue;
  if (value.intValue !== undefined) {
    const n = Number(value.intValue);
    return Number.isSafeInteger(n) ? n : String(value.intValue);
  }
  if (value.doubleValue !== undefined) return Number(value.doubleValue);
  if (value.arrayValue) return (value.arrayValue.values ?? []).map(plainValue);
  if (value.kvlistValue) return attributesOf(value.kvlistValue.values);
  if (value.bytesValue !== undefined) {
    return typeof value.bytesValue === 'string'
      ? value.bytesValue
      : Buffer.from(value.bytesValue).toString('base64');
  }
  return undefined;
}

/** A key/value list as an object; the last of repeated keys wins. */
export function attributesOf(list: KeyValue[] | undefined): Attrs {
  const out: Attrs = {};
  for (const { key, value } of list ?? []) out[key] = plainValue(value);
  return out;
}

export function str(attrs: Attrs, key: string): string | undefined {
  const v = attrs[key];
  if (typeof v === 'string') return v.length > 0 ? v : undefined;
  if (typeof v === 'number' || typeof v === 'boolean') return String(v);
  return undefined;
}

/** An integer attribute, whether sent as an int, a double or a decimal string (as Claude Code does). */
export function int(attrs: Attrs, key: string): number | undefined {
  const v = attrs[key];
  const n = typeof v === 'number' ? v : typeof v === 'string' && v.trim() ? Number(v) : NaN;
  return Number.isFinite(n) ? Math.trunc(n) : undefined;
}

export function bool(attrs: Attrs, key: string): boolean | undefined {
  const v = attrs[key];
  if (typeof v === 'boolean') return v;
  if (v === 'true') return true;
  if (v === 'false') return false;
  return undefined;
}

/** A JSON-valued attribute (a string holding JSON, or an already structured value). */
export function json(attrs: Attrs, key: string): unknown {
  const v = attrs[key];
  if (typeof v !== 'string') return v;
  try {
    return JSON.parse(v);
  } catch {
    return v;
  }
}
