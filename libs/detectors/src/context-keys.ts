import { encodeRange } from './utf8.js';

/**
 * Which names — paths, ids, commands — a session's context has shown: the task, what the user
 * said, and what tools returned. Two small Bloom filters of token hashes, each in two
 * generations: when the newer one is full the older is dropped, so memory stays fixed (384
 * bytes) and what was seen longest ago is forgotten first. A false "seen" (about 2% when full)
 * only keeps a one-off lookup quiet.
 */

const PROBES = 3;
const SCAN_HEAD = 8192;
const SCAN_TAIL = 2048;
/** The file extensions that make a name a path, lower case: letters and digits only. */
const EXTENSIONS = (
  'py pyi ipynb ts tsx js jsx mjs cjs java kt scala go rs rb php c h cc cpp hpp cs swift m sh ' +
  'bash ps1 json yaml yml toml cfg ini conf env lock xml gradle properties md rst txt csv log ' +
  'sql html css scss vue svelte proto tf mk dockerfile gz zip tar jar whl png jpeg jpg svg pdf'
).split(' ');
const FILE_EXTENSION = new RegExp(`\\.(${EXTENSIONS.join('|')})$`, 'i');

/** FNV-1a of the range, case folded: an id the user typed in lower case is the same id. */
function hashRange(text: string, start: number, end: number): number {
  let h = 0x811c9dc5;
  for (let i = start; i < end; i++) {
    const c = text.charCodeAt(i);
    h = Math.imul(h ^ (c >= 65 && c <= 90 ? c + 32 : c), 0x01000193);
  }
  return h >>> 0;
}

function isDigitCode(c: number): boolean {
  return c >= 48 && c <= 57;
}

export function hashOf(text: string): number {
  return hashRange(text, 0, text.length);
}

/** `hashRange` of ASCII bytes. */
function hashBytes(bytes: Uint8Array, start: number, end: number): number {
  let h = 0x811c9dc5;
  for (let i = start; i < end; i++) {
    const c = bytes[i];
    h = Math.imul(h ^ (c >= 65 && c <= 90 ? c + 32 : c), 0x01000193);
  }
  return h >>> 0;
}

/**
 * A Bloom filter in two generations over a slice of a shared bit array: when the newer
 * generation holds `perGeneration` entries the older one is cleared and becomes the newer.
 * `words * 32` is a power of two, so a probe's bit is its low bits.
 */
class Generations {
  private current = 0;
  private entries = 0;
  private readonly mask: number;

  constructor(
    private readonly bits: Uint32Array,
    private readonly offset: number,
    private readonly words: number,
    private readonly perGeneration: number,
  ) {
    this.mask = words * 32 - 1;
  }

  add(hash: number): void {
    if (this.has(hash)) return;
    if (this.entries >= this.perGeneration) {
      this.current ^= 1;
      const base = this.offset + this.current * this.words;
      this.bits.fill(0, base, base + this.words);
      this.entries = 0;
    }
    const base = this.offset + this.current * this.words;
    const step = (Math.imul(hash, 0x9e3779b1) >>> 0) | 1;
    for (let i = 0; i < PROBES; i++) {
      const bit = (hash + Math.imul(i, step)) & this.mask;
      this.bits[base + (bit >>> 5)] |= 1 << (bit & 31);
    }
    this.entries++;
  }

  has(hash: number): boolean {
    return (
      this.inGeneration(this.offset, hash) || this.inGeneration(this.offset + this.words, hash)
    );
  }

  private inGeneration(base: number, hash: number): boolean {
    const step = (Math.imul(hash, 0x9e3779b1) >>> 0) | 1;
    for (let i = 0; i < PROBES; i++) {
      const bit = (hash + Math.imul(i, step)) & this.mask;
      if ((this.bits[base + (bit >>> 5)] & (1 << (bit & 31))) === 0) return false;
    }
    return true;
  }
}

const DIGIT_SLASH_UNDERSCORE_AT = 2;
const DOT = 4;
/** `./-`: part of a name, but not at its ends. */
const TRIM = 8;
/** Per byte of UTF-8: 0 not part of a name (every byte of a non-ASCII character), else 1 and the marks above. */
const TOKEN_BYTE = new Uint8Array(256);
for (let c = 0; c < 128; c++) {
  const ch = String.fromCharCode(c);
  TOKEN_BYTE[c] = /[A-Za-z-]/.test(ch)
    ? 1
    : /[\d/_@]/.test(ch)
      ? 1 | DIGIT_SLASH_UNDERSCORE_AT
      : ch === '.'
        ? 1 | DOT
        : 0;
  if (ch === '.' || ch === '/' || ch === '-') TOKEN_BYTE[c] |= TRIM;
}

/**
 * The range being scanned, as UTF-8: the characters of a name are ASCII, one byte each, and any
 * other character is bytes that are no part of one, as the character was; a typed array is read
 * faster than a string, character by character. Sized for the longest range scanned, at most
 * three bytes a UTF-16 unit.
 */
const SCRATCH = new Uint8Array(3 * (SCAN_HEAD + SCAN_TAIL));

/** `./src/a.py.` → `src/a.py`, `#W2378156` → `W2378156`: names without the punctuation around them. */
export function normaliseKey(key: string): string {
  // `key.replace(/^[^A-Za-z0-9_]+|[^A-Za-z0-9_]+$/g, '')`, without a regex run per key.
  let s = 0;
  let e = key.length;
  while (s < e && !isWordCode(key.charCodeAt(s))) s++;
  while (e > s && !isWordCode(key.charCodeAt(e - 1))) e--;
  return s === 0 && e === key.length ? key : key.slice(s, e);
}

/** `[A-Za-z0-9_]` */
function isWordCode(c: number): boolean {
  return (c >= 48 && c <= 57) || (c >= 65 && c <= 90) || (c >= 97 && c <= 122) || c === 95;
}

/**
 * A name that could be a lookup key: three characters or more, with a digit, a path separator,
 * an underscore, an `@` or a file extension — not an ordinary word.
 */
export function isKeyLike(token: string): boolean {
  return token.length >= 3 && (/[\d/_@]/.test(token) || FILE_EXTENSION.test(token));
}

export function hasFileExtension(name: string): boolean {
  return FILE_EXTENSION.test(name);
}

function isPath(key: string): boolean {
  return key.includes('/') || hasFileExtension(key);
}

/** Words per generation: what the task and the user said; name-like tokens of tool output. */
const TOLD_WORDS = 16;
const SEEN_WORDS = 32;

export class ContextKeys {
  private readonly bits = new Uint32Array(2 * (TOLD_WORDS + SEEN_WORDS));
  private readonly told = new Generations(this.bits, 0, TOLD_WORDS, 50);
  private readonly seen = new Generations(this.bits, 2 * TOLD_WORDS, SEEN_WORDS, 100);

  /** Every word the task or the user wrote: the name-like tokens of its head and tail. */
  tell(text: string): void {
    if (text.length <= SCAN_HEAD + SCAN_TAIL) this.scan(text, 0, text.length, true);
    else {
      this.scan(text, 0, SCAN_HEAD, true);
      this.scan(text, text.length - SCAN_TAIL, text.length, true);
    }
  }

  /**
   * The name-like tokens of what a tool returned: of `${error.slice(0, max)}\n${output.slice(0,
   * max)}`, its head and tail, read from the two strings without building that text (the line
   * break ends a token).
   */
  seeResult(error: string, output: string, max: number): void {
    const e = Math.min(error.length, max);
    const o = Math.min(output.length, max);
    const length = e + 1 + o;
    if (length <= SCAN_HEAD + SCAN_TAIL) {
      this.scan(error, 0, e, false);
      this.scan(output, 0, o, false);
      return;
    }
    this.scan(error, 0, Math.min(e, SCAN_HEAD), false);
    if (SCAN_HEAD > e + 1) this.scan(output, 0, SCAN_HEAD - e - 1, false);
    const tail = length - SCAN_TAIL;
    if (tail < e) this.scan(error, tail, e, false);
    this.scan(output, Math.max(tail - e - 1, 0), o, false);
  }

  /**
   * Whether the context showed this key: the name itself; for a path, its file name; for an id,
   * a run of four digits or more in it that the user gave (`credit_card_7334` after "my card
   * ending in 7334").
   */
  has(rawKey: string): boolean {
    const key = normaliseKey(rawKey);
    if (key.length === 0) return false;
    if (this.contains(hashOf(key))) return true;
    if (isPath(key)) {
      const base = key.slice(key.lastIndexOf('/') + 1);
      return base !== key && base.length >= 3 && this.contains(hashOf(base));
    }
    // Each run of four digits or more (`/\d{4,}/g`) that is not the whole key.
    for (let i = 0; i < key.length;) {
      let j = i;
      while (j < key.length && isDigitCode(key.charCodeAt(j))) j++;
      if (j - i >= 4 && j - i < key.length && this.contains(hashRange(key, i, j))) return true;
      i = j === i ? i + 1 : j;
    }
    return false;
  }

  private contains(hash: number): boolean {
    return this.told.has(hash) || this.seen.has(hash);
  }

  /**
   * Adds the name-like tokens of `text[from, to)` — runs of letters, digits and `-/_@.`, without
   * the `./-` around them, three characters or more — and, for one with a `/`, its last part.
   * What the user said is added whole; of tool output only the tokens with a digit, `/`, `_`,
   * `@` or a file extension, so the others are never hashed.
   */
  private scan(text: string, from: number, to: number, told: boolean): void {
    const b = SCRATCH;
    const n = encodeRange(text, from, to, b).written;
    // Of tool output only tokens holding a marked byte count: the bytes between them are
    // passed over one test each, and a token is read when one of its bytes is marked.
    const wanted = told ? 1 : DIGIT_SLASH_UNDERSCORE_AT | DOT;
    const into = told ? this.told : this.seen;
    let i = 0;
    while (i < n) {
      while (i < n && (TOKEN_BYTE[b[i]] & wanted) === 0) i++;
      if (i === n) break;
      let start = i;
      while (start > 0 && TOKEN_BYTE[b[start - 1]] !== 0) start--;
      // The token's marks, its extent without its leading and trailing `./-` ([s, e)), and its
      // last `/` and `.` before that end (-1: none), in one pass.
      let marks = 0;
      let s = -1;
      let e = 0;
      let slash = -1;
      let dot = -1;
      let lastSlash = -1;
      let lastDot = -1;
      for (i = start; i < n; i++) {
        const c = b[i];
        const f = TOKEN_BYTE[c];
        if (f === 0) break;
        marks |= f;
        if ((f & TRIM) === 0) {
          if (s < 0) s = i;
          e = i + 1;
          lastSlash = slash;
          lastDot = dot;
        } else if (c === 47) slash = i;
        else if (c === 46) dot = i;
      }
      if (s < 0 || e - s < 3) continue;
      if (
        !told &&
        (marks & DIGIT_SLASH_UNDERSCORE_AT) === 0 &&
        !(lastDot >= s && hasExtension(b, lastDot + 1, e))
      )
        continue;
      into.add(hashBytes(b, s, e));
      if (lastSlash >= s && e - lastSlash - 1 >= 3) into.add(hashBytes(b, lastSlash + 1, e));
    }
  }
}

/** Extensions as numbers, base 37 (a letter or a digit a place): at most ten places, exact. */
const EXTENSION_CODES = new Set(
  EXTENSIONS.map((x) => extensionCode(new TextEncoder().encode(x), 0, x.length)),
);

/** The base-37 code of `b[s, e)` case folded, or -1 if it is no extension's (too long, or not alphanumeric). */
function extensionCode(b: Uint8Array, s: number, e: number): number {
  if (e - s > 10) return -1;
  let code = 0;
  for (let i = s; i < e; i++) {
    const c = b[i] | 32;
    const digit = c >= 97 && c <= 122 ? c - 96 : b[i] >= 48 && b[i] <= 57 ? b[i] - 21 : -1;
    if (digit < 0) return -1;
    code = code * 37 + digit;
  }
  return code;
}

/** `FILE_EXTENSION.test` of `.${b[s, e)}`, where `b[s, e)` holds no dot. */
function hasExtension(b: Uint8Array, s: number, e: number): boolean {
  return s < e && EXTENSION_CODES.has(extensionCode(b, s, e));
}
