/**
 * Signatures that see through noise: an action or an error reduced to what stays the same when
 * an agent repeats itself — paths canonicalised; numbers, hashes, timestamps and temp names
 * masked; whitespace and quoting folded — hashed to 32 bits, plus a small token sketch for
 * similarity. Every function reads at most a fixed prefix of its input, and every pattern is a
 * single quantified class or literal (no nested quantifiers), so the cost is linear and bounded.
 */

/** How much of a text any signature reads. */
export const SIGNATURE_INPUT_MAX = 2048;
/** Tokens kept per sketch (bottom-k of their hashes). */
export const SKETCH_SIZE = 12;

/** A 32-bit FNV-1a hash of `text[from, to)`. */
export function hash32(text: string, from = 0, to = text.length): number {
  let h = 0x811c9dc5;
  for (let i = from; i < to; i++) h = Math.imul(h ^ text.charCodeAt(i), 0x01000193);
  return h | 0;
}

const MASKS: [RegExp, string][] = [
  [/\b\d{4}-\d\d-\d\d[t ]\d\d:\d\d(?::\d\d)?(?:\.\d+)?z?/g, '<ts>'],
  [/\b[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}\b/g, '<id>'],
  [/\b0x[0-9a-f]+\b/g, '<hex>'],
  [/\b[0-9a-f]{7,64}\b/g, '<hex>'],
  [/\/tmp\/[\w.-]+/g, '/tmp/<tmp>'],
  [/\b\d+(?:\.\d+)?(?:ms|us|s)\b/g, '<t>'],
  [/\b\d+(?:\.\d+)?\b/g, '#'],
];
const POSITIONS = /\bline \d+|:\d+\b/g;
const QUOTES = /["'`]/g;
const SPACE = /\s+/g;
const DOT_SLASH = /(^|[\s=(:])\.\//g;
const SLASHES = /\/{2,}/g;
const TRAILING_SLASH = /([\w.-])\/(?=\s|$)/g;

/**
 * The masked, folded form of a text (its first `max` characters). `numbers`: `all` masks every
 * number; `positions` only line numbers (`line 12`, `:12`), keeping values; `none` keeps both.
 */
export function normaliseText(
  text: string,
  max = SIGNATURE_INPUT_MAX,
  numbers: 'all' | 'positions' | 'none' = 'all',
): string {
  let s = (text.length > max ? text.slice(0, max) : text).toLowerCase();
  for (const [re, by] of MASKS) if (numbers === 'all' || by !== '#') s = s.replace(re, by);
  if (numbers === 'positions') s = s.replace(POSITIONS, ' line #');
  return s
    .replace(QUOTES, '')
    .replace(DOT_SLASH, '$1')
    .replace(SLASHES, '/')
    .replace(TRAILING_SLASH, '$1')
    .replace(SPACE, ' ')
    .trim();
}

const TOKEN = /[\w#<>.\/-]+/g;

/**
 * The bottom-k token hashes of a normalised text, ascending: a MinHash sketch. For texts of at
 * most `SKETCH_SIZE` distinct tokens it is the exact token set.
 */
export function sketchOf(normalised: string, out: Int32Array, offset: number): number {
  let n = 0;
  for (const m of normalised.matchAll(TOKEN)) {
    const h = hash32(m[0]);
    let i = n;
    while (i > 0 && out[offset + i - 1] > h) i--;
    if (i > 0 && out[offset + i - 1] === h) continue;
    if (i >= SKETCH_SIZE) continue;
    for (let j = Math.min(n, SKETCH_SIZE - 1); j > i; j--) out[offset + j] = out[offset + j - 1];
    out[offset + i] = h;
    if (n < SKETCH_SIZE) n++;
  }
  return n;
}

/** Estimated Jaccard similarity of two sketches (exact for small token sets). */
export function jaccard(
  a: Int32Array,
  aOff: number,
  aLen: number,
  b: Int32Array,
  bOff: number,
  bLen: number,
): number {
  if (aLen === 0 && bLen === 0) return 1;
  // Walk the union in ascending order, up to k elements, counting those in both.
  let i = 0;
  let j = 0;
  let union = 0;
  let both = 0;
  while (union < SKETCH_SIZE && (i < aLen || j < bLen)) {
    const x = i < aLen ? a[aOff + i] : Infinity;
    const y = j < bLen ? b[bOff + j] : Infinity;
    if (x === y) {
      both++;
      i++;
      j++;
    } else if (x < y) i++;
    else j++;
    union++;
  }
  return union === 0 ? 0 : both / union;
}

/** The canonical text of a tool call: its name and its arguments' values, normalised. */
export function actionText(name: string, args: unknown): string {
  let out = `${name} `;
  const visit = (v: unknown, depth: number): void => {
    if (out.length >= SIGNATURE_INPUT_MAX || depth > 8) return;
    if (typeof v === 'string')
      out += `${v.length > SIGNATURE_INPUT_MAX ? v.slice(0, SIGNATURE_INPUT_MAX) : v} `;
    else if (v === null || typeof v !== 'object') out += `${String(v)} `;
    else if (Array.isArray(v)) for (const x of v) visit(x, depth + 1);
    else {
      const keys = Object.keys(v).sort();
      for (const k of keys) {
        out += `${k}= `;
        visit((v as Record<string, unknown>)[k], depth + 1);
      }
    }
  };
  visit(args, 0);
  return normaliseText(out);
}

const SIGNAL = /error|exception|failed|failure|fail:|assert|traceback|✗|✖|panic|fatal|not ok/i;
const SYNTAX = /\b(?:syntax|indentation|tab)error\b|\bparse ?error\b/i;
const EXCEPTION_LINE = /^\s*[A-Z][\w.]*(?:Error|Exception|Exit|Interrupt)\b:?/;
const LOCATION = /\bline \d+/i;
const FAILING_TEST = /^(?:FAILED|ERROR|FAIL:?)\s+\S+/;

/** The error lines of a text, read from its first and last `SIGNATURE_INPUT_MAX` characters. */
function errorLines(text: string): { lines: string[]; location: string | null } {
  const parts =
    text.length > 2 * SIGNATURE_INPUT_MAX
      ? [text.slice(0, SIGNATURE_INPUT_MAX), text.slice(-SIGNATURE_INPUT_MAX)]
      : [text];
  const lines: string[] = [];
  let location: string | null = null;
  for (const part of parts) {
    let start = 0;
    while (start <= part.length && lines.length < 6) {
      let stop = part.indexOf('\n', start);
      if (stop === -1) stop = part.length;
      const line = part.slice(start, Math.min(stop, start + 300));
      if (SIGNAL.test(line) || EXCEPTION_LINE.test(line)) lines.push(line);
      else if (LOCATION.test(line)) location = line;
      start = stop + 1;
    }
  }
  return { lines, location };
}

export interface ErrorSignature {
  /** 0 when the text carries no error line. */
  hash: number;
  /** The error's type (`SyntaxError`, `AssertionError`…) or its first error line, for reasons. */
  label: string;
  /** A syntax error, whose position is part of its signature. */
  syntax: boolean;
}

const NO_ERROR: ErrorSignature = { hash: 0, label: '', syntax: false };

/**
 * What went wrong, insensitive to timings, addresses, ids, temp names and line numbers: the
 * error lines (exception type and message, the failing test) with those masked. The values an
 * assertion compares are kept — an edit that changes them has changed something — and a syntax
 * error keeps its position, because where the parser stopped tells one syntax error from the next.
 */
export function errorSignature(text: string): ErrorSignature {
  if (!text) return { ...NO_ERROR };
  const { lines, location } = errorLines(text);
  if (lines.length === 0) return { ...NO_ERROR };
  const syntax = lines.some((l) => SYNTAX.test(l));
  const kept = lines.slice(0, 4);
  if (syntax && location) kept.push(location);
  const normalised = kept
    .map((l) => normaliseText(l, 300, syntax ? 'none' : 'positions'))
    .join('\n');
  const typed =
    kept.find((l) => EXCEPTION_LINE.test(l)) ?? kept.find((l) => FAILING_TEST.test(l)) ?? kept[0];
  return { hash: hash32(normalised) || 1, label: typed.trim().slice(0, 120), syntax };
}

/** Whether a tool's output reports an exception even though the call itself succeeded. */
export function reportsException(output: string): boolean {
  const tail = output.length > 600 ? output.slice(-600) : output;
  return /^(?:[A-Z][\w.]*(?:Error|Exception)|Traceback \(most recent call last\)):?/m.test(tail);
}
