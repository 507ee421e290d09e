import { sortedKeys } from './sorted-keys.js';
import { asciiBytes } from './utf8.js';

/** The two 32-bit halves of `fingerprint`, fed text piece by piece. */
class Fingerprinter {
  h1 = 0x811c9dc5;
  h2 = 0x01000193;

  add(text: string): void {
    let h1 = this.h1;
    let h2 = this.h2;
    const bytes = asciiBytes(text, 0, text.length);
    if (bytes !== null) {
      for (let i = 0; i < text.length; i++) {
        const c = bytes[i];
        h1 = Math.imul(h1 ^ c, 0x01000193);
        h2 = Math.imul(h2 ^ c, 0x5bd1e995);
      }
    } else {
      for (let i = 0; i < text.length; i++) {
        const c = text.charCodeAt(i);
        h1 = Math.imul(h1 ^ c, 0x01000193);
        h2 = Math.imul(h2 ^ c, 0x5bd1e995);
      }
    }
    this.h1 = h1;
    this.h2 = h2;
  }

  /** Both halves as 16 lower-case hex digits, zero-padded. */
  hex(): string {
    return hex8(this.h1) + hex8(this.h2);
  }
}

const HEX = Uint8Array.from('0123456789abcdef', (c) => c.charCodeAt(0));

/** `h`'s low 32 bits as 8 lower-case hex digits, zero-padded. */
function hex8(h: number): string {
  return String.fromCharCode(
    HEX[(h >>> 28) & 15],
    HEX[(h >>> 24) & 15],
    HEX[(h >>> 20) & 15],
    HEX[(h >>> 16) & 15],
    HEX[(h >>> 12) & 15],
    HEX[(h >>> 8) & 15],
    HEX[(h >>> 4) & 15],
    HEX[h & 15],
  );
}

/** `(h >>> 0).toString(16)`, without its cost: Number's radix conversion is many times slower. */
export function hex32(h: number): string {
  const a = h >>> 0;
  const digits = hex8(a);
  const zeros = a === 0 ? 7 : Math.clz32(a) >>> 2;
  return zeros === 0 ? digits : digits.slice(zeros);
}

/** A 64-bit FNV-1a style hash as 16 hex chars: cheap, stable, and enough to tell steps apart. */
export function fingerprint(text: string): string {
  const f = new Fingerprinter();
  f.add(text);
  return f.hex();
}

/** JSON with object keys sorted, so that `{a,b}` and `{b,a}` fingerprint alike. */
export function stableStringify(value: unknown): string {
  if (value === null || typeof value !== 'object') return JSON.stringify(value) ?? 'undefined';
  if (Array.isArray(value)) return `[${value.map(stableStringify).join(',')}]`;
  const entries = Object.entries(value as Record<string, unknown>)
    .filter(([, v]) => v !== undefined)
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${stableStringify(v)}`).join(',')}}`;
}

const HEAD = 8192;
const TAIL = 2048;

/**
 * A fingerprint of a possibly long text in constant time: its length, its first 8 KiB and its
 * last 2 KiB. Two outputs that differ only in the middle of a text longer than 10 KiB collide;
 * shorter ones are hashed whole, since tool results often differ only in their middle.
 */
export function boundedFingerprint(text: string): string {
  if (text.length <= HEAD + TAIL) return fingerprint(text);
  const f = new Fingerprinter();
  f.add(`${text.length}\u0000`);
  f.add(text.slice(0, HEAD));
  f.add('\u0000');
  f.add(text.slice(-TAIL));
  return f.hex();
}

/** A fingerprint of a value, with long strings bounded as in `boundedFingerprint`; key order ignored. */
export function valueFingerprint(value: unknown): string {
  const f = new Fingerprinter();
  digest(value, f);
  return f.hex();
}

/** Feeds a canonical rendering of the value to `f`, piece by piece, without building it. */
function digest(value: unknown, f: Fingerprinter): void {
  if (typeof value === 'string') {
    if (value.length > 64) {
      f.add('s');
      f.add(boundedFingerprint(value));
    } else f.add(JSON.stringify(value));
  } else if (value === null || typeof value !== 'object') f.add(String(value));
  else if (Array.isArray(value)) {
    f.add('[');
    for (let i = 0; i < value.length; i++) {
      if (i > 0) f.add(',');
      // A hole renders as nothing, as `join` renders it.
      if (i in value) digest(value[i], f);
    }
    f.add(']');
  } else {
    const keys = sortedKeys(value as object);
    f.add('{');
    for (let i = 0; i < keys.length; i++) {
      if (i > 0) f.add(',');
      f.add(keys[i]);
      f.add(':');
      digest((value as Record<string, unknown>)[keys[i]], f);
    }
    f.add('}');
  }
}

/** A one-line JSON-ish rendering of a value, cut at `max` characters, without building all of it. */
export function shortStringify(value: unknown, max: number): string {
  const out = render(value, max, '');
  return out.length > max ? out.slice(0, max) : out;
}

/** `out` followed by the value's rendering, stopping once `out` holds `max` characters. */
function render(v: unknown, max: number, out: string): string {
  if (out.length >= max) return out;
  if (typeof v === 'string') return out + JSON.stringify(v.length > max ? v.slice(0, max) : v);
  if (v === null || typeof v !== 'object') return out + String(v);
  if (Array.isArray(v)) {
    out += '[';
    for (let i = 0; i < v.length; i++) {
      if (!(i in v)) continue; // holes are skipped, as `forEach` skips them
      if (i) out += ',';
      out = render(v[i], max, out);
    }
    return out + ']';
  }
  out += '{';
  const keys = Object.keys(v);
  for (let i = 0; i < keys.length; i++) {
    if (out.length >= max) continue;
    out += `${i ? ',' : ''}${JSON.stringify(keys[i])}:`;
    out = render((v as Record<string, unknown>)[keys[i]], max, out);
  }
  return out + '}';
}
