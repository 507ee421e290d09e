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
const FILE_EXTENSION =
  /\.(py|pyi|ipynb|ts|tsx|js|jsx|mjs|cjs|java|kt|scala|go|rs|rb|php|c|h|cc|cpp|hpp|cs|swift|m|sh|bash|ps1|json|ya?ml|toml|cfg|ini|conf|env|lock|xml|gradle|properties|md|rst|txt|csv|log|sql|html|css|scss|vue|svelte|proto|tf|mk|dockerfile|gz|zip|tar|jar|whl|png|jpe?g|svg|pdf)$/i;

/** FNV-1a of the range, case folded: an id the user typed in lower case is the same id. */
function hashRange(text: string, start: number, end: number): number {
  let h = 0x811c9dc5;
  for (let i = start; i < end; i++) {
    const c = text.charCodeAt(i);
    h = Math.imul(h ^ (c >= 65 && c <= 90 ? c + 32 : c), 0x01000193);
  }
  return h >>> 0;
}

export function hashOf(text: string): number {
  return hashRange(text, 0, text.length);
}

/**
 * A Bloom filter in two generations over a slice of a shared bit array: when the newer
 * generation holds `perGeneration` entries the older one is cleared and becomes the newer.
 */
class Generations {
  private current = 0;
  private entries = 0;

  constructor(
    private readonly bits: Uint32Array,
    private readonly offset: number,
    private readonly words: number,
    private readonly perGeneration: number,
  ) {}

  add(hash: number): void {
    if (this.has(hash)) return;
    if (this.entries >= this.perGeneration) {
      this.current ^= 1;
      const base = this.offset + this.current * this.words;
      this.bits.fill(0, base, base + this.words);
      this.entries = 0;
    }
    const base = this.offset + this.current * this.words;
    for (const bit of probes(hash, this.words * 32))
      this.bits[base + (bit >>> 5)] |= 1 << (bit & 31);
    this.entries++;
  }

  has(hash: number): boolean {
    return this.inGeneration(0, hash) || this.inGeneration(1, hash);
  }

  private inGeneration(generation: number, hash: number): boolean {
    const base = this.offset + generation * this.words;
    for (const bit of probes(hash, this.words * 32))
      if ((this.bits[base + (bit >>> 5)] & (1 << (bit & 31))) === 0) return false;
    return true;
  }
}

const probeBuffer = new Uint32Array(PROBES);

function probes(hash: number, space: number): Uint32Array {
  const step = (Math.imul(hash, 0x9e3779b1) >>> 0) | 1;
  for (let i = 0; i < PROBES; i++) probeBuffer[i] = ((hash + Math.imul(i, step)) >>> 0) % space;
  return probeBuffer;
}

/** Per ASCII code: 0 not part of a name; 1 letter or `-`; 2 digit, `/`, `_` or `@`; 3 `.`. */
const CHAR_CLASS = new Uint8Array(128);
for (let c = 0; c < 128; c++) {
  const ch = String.fromCharCode(c);
  CHAR_CLASS[c] = /[A-Za-z-]/.test(ch) ? 1 : /[\d/_@]/.test(ch) ? 2 : ch === '.' ? 3 : 0;
}

/** `./src/a.py.` → `src/a.py`, `#W2378156` → `W2378156`: names without the punctuation around them. */
export function normaliseKey(key: string): string {
  return key.replace(/^[^A-Za-z0-9_]+|[^A-Za-z0-9_]+$/g, '');
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

const DIGIT_SLASH_UNDERSCORE_AT = 1;
const DOT = 2;

/**
 * Calls `each(start, end, marks)` for every name-like token of the text's head and tail, with
 * `marks` telling whether it holds a digit, `/`, `_` or `@` (1) or a dot (2).
 */
function scanTokens(text: string, each: (start: number, end: number, marks: number) => void): void {
  const ranges =
    text.length <= SCAN_HEAD + SCAN_TAIL
      ? [[0, text.length]]
      : [
          [0, SCAN_HEAD],
          [text.length - SCAN_TAIL, text.length],
        ];
  for (const [from, to] of ranges) {
    let start = -1;
    let marks = 0;
    for (let i = from; i <= to; i++) {
      const c = i < to ? text.charCodeAt(i) : 32;
      const kind = c < 128 ? CHAR_CLASS[c] : 0;
      if (kind !== 0) {
        if (start < 0) {
          start = i;
          marks = 0;
        }
        if (kind === 2) marks |= DIGIT_SLASH_UNDERSCORE_AT;
        else if (kind === 3) marks |= DOT;
      } else if (start >= 0) {
        let s = start;
        let e = i;
        while (s < e && isTrim(text.charCodeAt(s))) s++;
        while (e > s && isTrim(text.charCodeAt(e - 1))) e--;
        if (e - s >= 3) each(s, e, marks);
        start = -1;
      }
    }
  }
}

function isTrim(c: number): boolean {
  return c === 46 || c === 47 || c === 45; // . / -
}

/** Words per generation: what the task and the user said; name-like tokens of tool output. */
const TOLD_WORDS = 16;
const SEEN_WORDS = 32;

export class ContextKeys {
  private readonly bits = new Uint32Array(2 * (TOLD_WORDS + SEEN_WORDS));
  private readonly told = new Generations(this.bits, 0, TOLD_WORDS, 50);
  private readonly seen = new Generations(this.bits, 2 * TOLD_WORDS, SEEN_WORDS, 100);

  /** Every word the task or the user wrote. */
  tell(text: string): void {
    scanTokens(text, (s, e) => this.addToken(this.told, text, s, e));
  }

  /** The name-like tokens of what a tool returned. */
  see(text: string): void {
    scanTokens(text, (s, e, marks) => {
      if (
        marks & DIGIT_SLASH_UNDERSCORE_AT ||
        (marks & DOT && FILE_EXTENSION.test(text.slice(s, e)))
      )
        this.addToken(this.seen, text, s, e);
    });
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
    for (const [digits] of key.matchAll(/\d{4,}/g))
      if (digits !== key && this.contains(hashOf(digits))) return true;
    return false;
  }

  private contains(hash: number): boolean {
    return this.told.has(hash) || this.seen.has(hash);
  }

  private addToken(into: Generations, text: string, s: number, e: number): void {
    into.add(hashRange(text, s, e));
    let slash = e - 1;
    while (slash >= s && text.charCodeAt(slash) !== 47) slash--;
    if (slash >= s && e - slash - 1 >= 3) into.add(hashRange(text, slash + 1, e));
  }
}
