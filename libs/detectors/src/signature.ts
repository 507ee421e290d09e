import { sortedKeys } from './sorted-keys.js';
import { asciiBytes } from './utf8.js';

/**
 * Signatures that see through noise: an action or an error reduced to what stays the same when
 * an agent repeats itself — paths canonicalised; numbers, hashes, timestamps and temp names
 * masked; whitespace and quoting folded — hashed to 32 bits, plus a small token sketch for
 * similarity. Every function reads at most a fixed prefix of its input, and every pattern is a
 * single quantified class or literal (no nested quantifiers), so the cost is linear and bounded.
 */

/** How much of a text any signature reads. */
export const SIGNATURE_INPUT_MAX = 2048;
/** How far past its end the fold may read (a date's digits, a duration's unit). */
const READ_AHEAD = 16;
/** Tokens kept per sketch (bottom-k of their hashes). */
export const SKETCH_SIZE = 12;

/** A 32-bit FNV-1a hash of `text[from, to)`. */
export function hash32(text: string, from = 0, to = text.length): number {
  let h = 0x811c9dc5;
  for (let i = from; i < to; i++) h = Math.imul(h ^ text.charCodeAt(i), 0x01000193);
  return h | 0;
}

export type NumberMasking = 'all' | 'positions' | 'none';

const enum C {
  Space = 32,
  Quote = 34,
  Apostrophe = 39,
  Backtick = 96,
  Slash = 47,
  Dot = 46,
  Colon = 58,
  Hash = 35,
}

const DIGIT = 1;
/** `[0-9A-Za-z_]` */
const WORD = 2;
/** `[0-9A-Fa-f]` */
const HEX = 4;
/** `[ \t-\r]` and U+00A0 */
const SPACE = 8;
/** Characters tokens are made of: word characters, `#<>./-` (so paths stay one token). */
const TOKEN_CHAR = 16;
/** Per ASCII code, its classes above; of the other units only U+00A0 has one. */
const CLASSES = new Uint8Array(128);
for (let c = 0; c < 128; c++) {
  const word = (c >= 48 && c <= 57) || (c >= 97 && c <= 122) || (c >= 65 && c <= 90) || c === 95;
  CLASSES[c] =
    (c >= 48 && c <= 57 ? DIGIT : 0) |
    (word ? WORD : 0) |
    ((c >= 48 && c <= 57) || (c >= 97 && c <= 102) || (c >= 65 && c <= 70) ? HEX : 0) |
    (c === 32 || (c >= 9 && c <= 13) ? SPACE : 0) |
    (word || c === 35 || c === 60 || c === 62 || c === 46 || c === 47 || c === 45 ? TOKEN_CHAR : 0);
}

/** The classes of a unit (or of -1, outside the text: none). */
function classes(c: number): number {
  return c >= 0 && c < 128 ? CLASSES[c] : c === 160 ? SPACE : 0;
}
function isDigit(c: number): boolean {
  return c >= 48 && c <= 57;
}
function isWordChar(c: number): boolean {
  return (classes(c) & WORD) !== 0;
}
function isHexChar(c: number): boolean {
  return (classes(c) & HEX) !== 0;
}
function isSpace(c: number): boolean {
  return (classes(c) & SPACE) !== 0;
}
function isTokenChar(c: number): boolean {
  return (classes(c) & TOKEN_CHAR) !== 0;
}
function lower(c: number): number {
  return c >= 65 && c <= 90 ? c + 32 : c;
}

// The fold's output state: module-level, so the per-character path allocates nothing. The
// hashes are in a typed array: an int32 held in a variable is boxed whenever it falls outside
// the small-integer range, a new heap number per character.
const hashes = new Int32Array(3);
const FOLD = 0;
/** The same fold's hash with numbers kept, for `all` masking. */
const VALUES = 1;
const TOKEN = 2;
let foldPrev = 32;
let tokenLength = 0;
let foldSketch: Int32Array | null = null;
let foldOffset = 0;
let foldSketchLength = 0;
let foldOut: number[] | null = null;

function startFold(sketch: Int32Array | null, offset: number, out: number[] | null): void {
  hashes[FOLD] = 0x811c9dc5;
  hashes[VALUES] = 0x811c9dc5;
  foldPrev = 32;
  hashes[TOKEN] = 0x811c9dc5;
  tokenLength = 0;
  foldSketch = sketch;
  foldOffset = offset;
  foldSketchLength = 0;
  foldOut = out;
}

function endToken(): void {
  if (tokenLength === 0) return;
  if (foldSketch)
    foldSketchLength = insertSorted(foldSketch, foldOffset, foldSketchLength, hashes[TOKEN] | 0);
  hashes[TOKEN] = 0x811c9dc5;
  tokenLength = 0;
}

function emit(c: number): void {
  if (c === 32) {
    if (foldPrev === 32) return;
    endToken();
  } else if (isTokenChar(c)) {
    hashes[TOKEN] = Math.imul(hashes[TOKEN] ^ c, 0x01000193);
    tokenLength++;
  } else endToken();
  hashes[FOLD] = Math.imul(hashes[FOLD] ^ c, 0x01000193);
  hashes[VALUES] = Math.imul(hashes[VALUES] ^ c, 0x01000193);
  foldPrev = c;
  if (foldOut !== null) foldOut.push(c);
}

function emitAll(text: string): void {
  for (let i = 0; i < text.length; i++) emit(text.charCodeAt(i));
}

function insertSorted(out: Int32Array, offset: number, n: number, h: number): number {
  let i = n;
  while (i > 0 && out[offset + i - 1] > h) i--;
  if ((i > 0 && out[offset + i - 1] === h) || i >= SKETCH_SIZE) return n;
  for (let j = Math.min(n, SKETCH_SIZE - 1); j > i; j--) out[offset + j] = out[offset + j - 1];
  out[offset + i] = h;
  return n < SKETCH_SIZE ? n + 1 : n;
}

/** `:.+-` */
function isTimestampPunctuation(c: number): boolean {
  return c === 58 || c === 46 || c === 43 || c === 45;
}

/**
 * The units the fold reads, in a typed array: read faster than a string, one `charCodeAt` at a
 * time — an ASCII text's bytes as `asciiBytes` encodes them, any other text's units copied. The
 * fold reads up to 8 units past its end; `unitAt` gives -1 outside the text (where `charCodeAt`
 * gives NaN: every test here is false for both, and -1 keeps the arithmetic on small integers).
 */
let units: Uint8Array | Uint16Array = new Uint16Array(0);
let wideUnits = new Uint16Array(SIGNATURE_INPUT_MAX + READ_AHEAD);
let unitCount = 0;

function load(text: string, end: number): void {
  const n = Math.min(text.length, end + READ_AHEAD);
  const bytes = asciiBytes(text, 0, n);
  if (bytes !== null) units = bytes;
  else {
    if (n > wideUnits.length) wideUnits = new Uint16Array(n);
    for (let i = 0; i < n; i++) wideUnits[i] = text.charCodeAt(i);
    units = wideUnits;
  }
  unitCount = n;
}

function unitAt(i: number): number {
  return i >= 0 && i < unitCount ? units[i] : -1;
}

/** Whether the text from `i` starts a date like `2024-05-13`. */
function startsDate(i: number): boolean {
  return (
    isDigit(unitAt(i + 3)) &&
    unitAt(i + 4) === 45 &&
    isDigit(unitAt(i + 5)) &&
    isDigit(unitAt(i + 6)) &&
    unitAt(i + 7) === 45 &&
    isDigit(unitAt(i + 8))
  );
}

/** Whether the text's `[i - word.length, i)`, lower-cased, is `word` (ASCII, lower case). */
function endsWithAt(i: number, word: string): boolean {
  if (i < word.length) return false;
  const from = i - word.length;
  for (let k = 0; k < word.length; k++)
    if (lower(units[from + k]) !== word.charCodeAt(k)) return false;
  return true;
}

/**
 * Emits the word starting at `i` (a letter or `_`) lower-cased — or `<hex>` for a hex id of
 * seven characters or more with a digit — hashing it as it is read; returns where it ends.
 */
function word(i: number, end: number): number {
  const u = units;
  let h = hashes[FOLD];
  let v = hashes[VALUES];
  let t = hashes[TOKEN];
  let c = 0;
  // The units' classes ANDed and ORed: a hex id has HEX in every unit, DIGIT in one.
  let every = HEX;
  let some = 0;
  let j = i;
  for (; j < end; j++) {
    const d = u[j];
    // Word units are ASCII: any other unit ends the word.
    const k = d < 128 ? CLASSES[d] : 0;
    if ((k & WORD) === 0) break;
    every &= k;
    some |= k;
    c = lower(d);
    h = Math.imul(h ^ c, 0x01000193);
    v = Math.imul(v ^ c, 0x01000193);
    t = Math.imul(t ^ c, 0x01000193);
  }
  if ((every & HEX) !== 0 && (some & DIGIT) !== 0 && j - i >= 7) {
    emitAll('<hex>');
    return j;
  }
  hashes[FOLD] = h;
  hashes[VALUES] = v;
  hashes[TOKEN] = t;
  tokenLength += j - i;
  foldPrev = c;
  if (foldOut !== null) for (let k = i; k < j; k++) foldOut.push(lower(u[k]));
  return j;
}

function fold(text: string, max: number, numbers: NumberMasking): void {
  const end = Math.min(text.length, max);
  load(text, end);
  const u = units;
  let i = 0;
  while (i < end) {
    const c = lower(u[i]);
    const k = classes(c);
    if ((k & DIGIT) !== 0) {
      // A hex id, or a number: as in `word`, HEX in every unit.
      let j = i;
      let every = HEX;
      for (; j < end; j++) {
        const d = u[j];
        const kd = d < 128 ? CLASSES[d] : 0;
        if ((kd & WORD) === 0) break;
        every &= kd;
      }
      if ((every & HEX) !== 0 && j - i >= 7) {
        emitAll('<hex>');
        i = j;
      } else i = number(i, end, numbers);
    } else if ((k & WORD) !== 0) {
      i = word(i, end);
    } else if (c === C.Quote || c === C.Apostrophe || c === C.Backtick) {
      i++;
    } else if ((k & SPACE) !== 0) {
      if (foldPrev !== C.Space) emit(C.Space);
      i++;
    } else if (c === C.Slash) {
      const next = i + 1 < end ? u[i + 1] : C.Space;
      // `a//b` → `a/b`; `dir/ ` → `dir `.
      if (next === C.Slash || (isSpace(next) && isWordChar(unitAt(i - 1)))) {
        i++;
        continue;
      }
      emit(C.Slash);
      i++;
      if (endsWithAt(i, '/tmp/')) {
        while (i < end && (isWordChar(u[i]) || u[i] === 46 || u[i] === 45)) i++;
        emitAll('<tmp>');
      }
    } else if (
      c === C.Dot &&
      unitAt(i + 1) === C.Slash &&
      (foldPrev === C.Space || foldPrev === 61 || foldPrev === 40 || foldPrev === C.Colon)
    ) {
      i += 2; // `./x` → `x`
    } else {
      emit(c);
      i++;
    }
  }
  endToken();
}

/** Folds the number at `i` (a word start); returns where it ends. */
function number(i: number, end: number, numbers: NumberMasking): number {
  if (units[i] === 48 && lower(unitAt(i + 1)) === 120) {
    let j = i + 2;
    while (j < end && isHexChar(units[j])) j++;
    emitAll('<hex>');
    return j;
  }
  let j = i;
  while (j < end && isDigit(units[j])) j++;
  if (j - i === 4 && startsDate(i)) {
    while (j < end && (isWordChar(units[j]) || isTimestampPunctuation(units[j]))) j++;
    emitAll('<ts>');
    return j;
  }
  if (unitAt(j) === C.Dot && isDigit(unitAt(j + 1))) {
    j++;
    while (j < end && isDigit(units[j])) j++;
  }
  const u1 = lower(unitAt(j));
  const u2 = lower(unitAt(j + 1));
  const unit = u1 === 115 ? 1 : (u1 === 109 || u1 === 117) && u2 === 115 ? 2 : 0;
  if (unit > 0 && !isWordChar(unitAt(j + unit))) {
    emitAll('<t>');
    return j + unit;
  }
  const position = numbers === 'positions' && (foldPrev === C.Colon || endsWithAt(i, 'line '));
  if (numbers === 'all' || position) {
    // Masked in the hash; kept in the values hash.
    let v = hashes[VALUES];
    emit(C.Hash);
    for (let k = i; k < j; k++) v = Math.imul(v ^ units[k], 0x01000193);
    hashes[VALUES] = v;
  } else for (let k = i; k < j; k++) emit(units[k]);
  return j;
}

/**
 * The masked, folded form of a text (its first `max` characters): lower case; quotes dropped;
 * whitespace folded; `./`, doubled and trailing slashes removed; timestamps, durations, hex ids
 * and `/tmp/` names masked. `numbers`: `all` masks every number; `positions` only line numbers
 * (`line 12`, `:12`), keeping values; `none` keeps both. A readable form, for tests and reasons.
 */
export function normaliseText(
  text: string,
  max = SIGNATURE_INPUT_MAX,
  numbers: NumberMasking = 'all',
): string {
  const out: number[] = [];
  startFold(null, 0, out);
  fold(text, max, numbers);
  return String.fromCharCode(...out).trim();
}

/** The hash of `normaliseText(text, max, numbers)`, without building it. */
export function normalisedHash(
  text: string,
  max = SIGNATURE_INPUT_MAX,
  numbers: NumberMasking = 'all',
): number {
  startFold(null, 0, null);
  fold(text, max, numbers);
  return hashes[FOLD] | 0;
}

/**
 * The hashes of `text` folded with numbers masked and with numbers kept, from one pass: the
 * first is returned, the second is `lastValuesHash()`; with `sketch`, its token sketch is written
 * there too (`lastSketchLength()` tokens).
 */
export function normalisedHashes(
  text: string,
  max = SIGNATURE_INPUT_MAX,
  sketch: Int32Array | null = null,
  offset = 0,
): number {
  startFold(sketch, offset, null);
  fold(text, max, 'all');
  return hashes[FOLD] | 0;
}

/** How many tokens the latest `normalisedHashes` call wrote to its sketch. */
export function lastSketchLength(): number {
  return foldSketchLength;
}

/** The numbers-kept hash of the latest `normalisedHashes` call. */
export function lastValuesHash(): number {
  return hashes[VALUES] | 0;
}

/**
 * The bottom-k token hashes (a MinHash sketch) of a text's normalised form, ascending, written
 * at `out[offset…]`; returns how many. For at most `SKETCH_SIZE` distinct tokens it is the set.
 */
export function sketchText(
  text: string,
  out: Int32Array,
  offset: number,
  max = SIGNATURE_INPUT_MAX,
): number {
  startFold(out, offset, null);
  fold(text, max, 'all');
  return foldSketchLength;
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

/** The text of a tool call to normalise: its name, and its arguments' keys and values. */
export function actionText(name: string, args: unknown, max = 512): string {
  let out = `${name} `;
  const visit = (v: unknown, depth: number): void => {
    if (out.length >= max || depth > 8) return;
    if (typeof v === 'string') out += `${v.length > max ? v.slice(0, max) : v} `;
    else if (v === null || typeof v !== 'object') out += `${String(v)} `;
    else if (Array.isArray(v)) for (const x of v) visit(x, depth + 1);
    else {
      for (const k of sortedKeys(v)) {
        out += `${k}= `;
        visit((v as Record<string, unknown>)[k], depth + 1);
      }
    }
  };
  visit(args, 0);
  return out;
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

/** A new one each time: the caller may set its hash. */
function noError(): ErrorSignature {
  return { hash: 0, label: '', syntax: false };
}

/**
 * What went wrong, insensitive to timings, addresses, ids, temp names and line numbers: the
 * error lines (exception type and message, the failing test) with those masked. The values an
 * assertion compares are kept — an edit that changes them has changed something — and a syntax
 * error keeps its position, because where the parser stopped tells one syntax error from the next.
 */
export function errorSignature(text: string): ErrorSignature {
  if (!text) return noError();
  const { lines, location } = errorLines(text);
  if (lines.length === 0) return noError();
  const syntax = lines.some((l) => SYNTAX.test(l));
  const kept = lines.slice(0, 4);
  if (syntax && location) kept.push(location);
  const typed =
    kept.find((l) => EXCEPTION_LINE.test(l)) ?? kept.find((l) => FAILING_TEST.test(l)) ?? kept[0];
  return {
    hash: normalisedHash(kept.join('\n'), 2000, syntax ? 'none' : 'positions') || 1,
    label: typed.trim().slice(0, 120),
    syntax,
  };
}

/** Whether a tool's output reports an exception even though the call itself succeeded. */
export function reportsException(output: string): boolean {
  const tail = output.length > 600 ? output.slice(-600) : output;
  if (!tail.includes('Error') && !tail.includes('Exception') && !tail.includes('Traceback'))
    return false;
  return /^(?:[A-Z][\w.]*(?:Error|Exception)|Traceback \(most recent call last\)):?/m.test(tail);
}
