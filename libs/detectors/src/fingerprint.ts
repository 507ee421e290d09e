/** A 64-bit FNV-1a style hash as 16 hex chars: cheap, stable, and enough to tell steps apart. */
export function fingerprint(text: string): string {
  let h1 = 0x811c9dc5;
  let h2 = 0x01000193;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    h1 = Math.imul(h1 ^ c, 0x01000193);
    h2 = Math.imul(h2 ^ c, 0x5bd1e995);
  }
  return (h1 >>> 0).toString(16).padStart(8, '0') + (h2 >>> 0).toString(16).padStart(8, '0');
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
  return fingerprint(`${text.length}\u0000${text.slice(0, HEAD)}\u0000${text.slice(-TAIL)}`);
}

/** A fingerprint of a value, with long strings bounded as in `boundedFingerprint`; key order ignored. */
export function valueFingerprint(value: unknown): string {
  return fingerprint(digest(value));
}

function digest(value: unknown): string {
  if (typeof value === 'string')
    return value.length > 64 ? `s${boundedFingerprint(value)}` : JSON.stringify(value);
  if (value === null || typeof value !== 'object') return String(value);
  if (Array.isArray(value)) return `[${value.map(digest).join(',')}]`;
  const keys = Object.keys(value as object).sort();
  return `{${keys.map((k) => `${k}:${digest((value as Record<string, unknown>)[k])}`).join(',')}}`;
}

/** A one-line JSON-ish rendering of a value, cut at `max` characters, without building all of it. */
export function shortStringify(value: unknown, max: number): string {
  let out = '';
  const visit = (v: unknown): void => {
    if (out.length >= max) return;
    if (typeof v === 'string') out += JSON.stringify(v.length > max ? v.slice(0, max) : v);
    else if (v === null || typeof v !== 'object') out += String(v);
    else if (Array.isArray(v)) {
      out += '[';
      v.forEach((x, i) => {
        if (i) out += ',';
        visit(x);
      });
      out += ']';
    } else {
      out += '{';
      Object.keys(v).forEach((k, i) => {
        if (out.length >= max) return;
        out += `${i ? ',' : ''}${JSON.stringify(k)}:`;
        visit((v as Record<string, unknown>)[k]);
      });
      out += '}';
    }
  };
  visit(value);
  return out.length > max ? out.slice(0, max) : out;
}
