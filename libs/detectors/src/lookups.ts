import { ContextKeys, hasFileExtension, hashOf, isKeyLike, normaliseKey } from './context-keys.js';
import { resultText, type ActionRecord, type CompletedAction } from './session-window.js';

export type MissingKind = 'path' | 'command' | 'module' | 'url' | 'ref' | 'resource';

/** Each pattern's first capture group, when present, names the missing thing. */
const PATTERNS: Array<{ kind: MissingKind; re: RegExp }> = [
  { kind: 'command', re: /(?:^|[\s:])([\w./+-]+): (?:command )?not found\b/m },
  { kind: 'module', re: /ModuleNotFoundError: No module named '([^']+)'/ },
  { kind: 'module', re: /Cannot find (?:module|package) '([^']+)'/ },
  { kind: 'path', re: /ENOENT[^\n]*?'([^']+)'/ },
  { kind: 'path', re: /(?:^|[\s:'"`])([^\s:'"`]+)['"`]?: No such file or directory/m },
  {
    kind: 'path',
    re: /(?:can't open file|cannot access|cannot open) '?([^'\s:]+)'?.*No such file/,
  },
  { kind: 'path', re: /No such file or directory(?:[^\n]*?'([^']+)')?/ },
  { kind: 'path', re: /FileNotFoundError:[^\n]*?'([^']+)'/ },
  {
    kind: 'path',
    re: /\b(?:file|path|directory) (?:`|')?([^\s`']+)(?:`|')? (?:does not exist|not found)/i,
  },
  { kind: 'path', re: /\b(?:file|path|directory)(?: or directory)? not found:?\s+([^\s,;]+)/i },
  { kind: 'path', re: /\b(?:file|path|directory) does not exist\b:?\s*([^\s,;]*)/i },
  { kind: 'ref', re: /pathspec '([^']+)' did not match/ },
  { kind: 'url', re: /\b404\b[^\n]*?(https?:\/\/\S+)?/ },
  { kind: 'resource', re: /\b((?:[\w-]+ ){0,2}[\w-]+) (?:was |is )?not found\b/i },
];

const DATE_OR_TIME = /^\d{4}-\d{2}-\d{2}|^\d{1,2}:\d{2}/;
const ARG_VALUES_MAX = 16;
const ARG_MAX = 500;
const KEYS_KEPT = 3;
const KEY_MAX = 200;
const PENDING_MAX = 4;
const FAILED_MAX = 8;

/** A failed call whose error says that what it used is not there. */
export interface MissingLookup {
  kind: MissingKind;
  /** What the error calls the missing thing (`docs/SETUP.md`, `payment method`), or ''. */
  resource: string;
  /** The name the lookup used, when known: the one the error gives, else an argument's. */
  key: string;
  /** The same lookup already failed earlier in the session. */
  repeated: boolean;
  /** The key appeared nowhere in the context before the call (the agent made it up). */
  invented: boolean;
}

/**
 * A short copy of a string cut from a larger one: a slice would keep the whole tool output or
 * argument it came from alive as long as the window keeps the slice.
 */
function own(text: string): string {
  return ` ${text.slice(0, KEY_MAX)}`.slice(1);
}

function firstCommandWord(summary: string): string {
  return summary.trim().split(/\s+/)[0] ?? summary;
}

/** What the error says is missing, and the key it names (if it names one). */
function readError(
  a: CompletedAction,
  text: string,
): { kind: MissingKind; resource: string } | null {
  for (const pattern of PATTERNS) {
    const match = pattern.re.exec(text);
    if (match) return { kind: pattern.kind, resource: match[1] ?? '' };
  }
  if (a.exitCode === 127) return { kind: 'command', resource: firstCommandWord(a.summary) };
  return null;
}

/** The key an error names: the resource itself, or for a phrase (`payment method X`), its id. */
function namedKey(kind: MissingKind, resource: string): string {
  if (kind !== 'resource') return normaliseKey(resource);
  return resource.split(' ').find((w) => isKeyLike(w) && !DATE_OR_TIME.test(w)) ?? '';
}

/**
 * A name only a lookup would use: with a digit (an id), a path separator, an `@` or a file
 * extension; not a date, a time, a bare number or an enum value like `one_way`.
 */
function isIdOrPath(key: string): boolean {
  return (
    key.length >= 3 &&
    (/[\d/@]/.test(key) || hasFileExtension(key)) &&
    !DATE_OR_TIME.test(key) &&
    !/^\d+$/.test(key)
  );
}

/** The characters `\s` matches. */
function isSpaceChar(c: number): boolean {
  return c < 128
    ? c === 32 || (c >= 9 && c <= 13)
    : c === 0xa0 ||
        c === 0x1680 ||
        (c >= 0x2000 && c <= 0x200a) ||
        c === 0x2028 ||
        c === 0x2029 ||
        c === 0x202f ||
        c === 0x205f ||
        c === 0x3000 ||
        c === 0xfeff;
}

/** Per ASCII code: 1 separates argument words (`[\s'"\`=,;()[\]{}<>|&]`), 2 a word character. */
const ARG_CHAR = new Uint8Array(128);
for (let c = 0; c < 128; c++) {
  const ch = String.fromCharCode(c);
  ARG_CHAR[c] = /[\s'"`=,;()[\]{}<>|&]/.test(ch) ? 1 : /\w/.test(ch) ? 2 : 0;
}

/** A digit, `/`, `@` or `.`: what makes a word a key candidate. */
const KEY_MARK = /[\d/@.]/;

function isWord(c: number): boolean {
  return c < 128 && ARG_CHAR[c] === 2;
}

/**
 * The id-like, path-like words of one argument — `normaliseKey` of each word between
 * separators, kept when `isIdOrPath` — slicing only the words that could be one.
 */
function keysOfArgument(v: string, keys: string[]): void {
  // Without one of these no word is a key: most argument values are read once, natively.
  if (!KEY_MARK.test(v)) return;
  let start = 0;
  // Whether the word so far holds a digit, `/`, `@` or `.`: without one it is no key.
  let marked = false;
  for (let i = 0; i <= v.length; i++) {
    const c = i < v.length ? v.charCodeAt(i) : 32;
    if (!(c < 128 ? ARG_CHAR[c] === 1 : isSpaceChar(c))) {
      marked ||= (c >= 48 && c <= 57) || c === 47 || c === 64 || c === 46;
      continue;
    }
    let s = start;
    let e = i;
    start = i + 1;
    if (!marked) continue;
    marked = false;
    while (s < e && !isWord(v.charCodeAt(s))) s++;
    while (e > s && !isWord(v.charCodeAt(e - 1))) e--;
    if (e - s < 3) continue;
    let candidate = false;
    for (let k = s; k < e && !candidate; k++) {
      const d = v.charCodeAt(k);
      candidate = (d >= 48 && d <= 57) || d === 47 || d === 64 || d === 46;
    }
    if (!candidate) continue;
    const key = v.slice(s, e);
    if (isIdOrPath(key)) keys.push(key);
  }
}

/** The id-like, path-like names among a call's string arguments. */
function argumentKeys(args: unknown): string[] {
  const keys: string[] = [];
  const values: unknown[] = [args];
  let visited = 0;
  for (let next = 0; next < values.length && visited++ < ARG_VALUES_MAX;) {
    const v = values[next++];
    // A key is a short argument or a word of one (a command line); long ones are contents.
    if (typeof v === 'string' && v.length <= ARG_MAX) keysOfArgument(v, keys);
    else if (v && typeof v === 'object') values.push(...Object.values(v));
  }
  return keys;
}

/**
 * What a session has looked up and not found, and which names its context has shown. Updated by
 * the window as steps arrive; the nonexistent-resource rule reads `latest`. Bounded: the context
 * filters, the keys of a few calls still waiting for their result, and the last failed lookups.
 */
export class LookupMemory {
  private readonly context = new ContextKeys();
  /** Per call awaiting its result: argument keys the context had not shown when it was made. */
  private readonly pending: Array<{ callSeq: number; unseen: string[] }> = [];
  /** Hashes of the last failed lookups' identities, a ring. */
  private readonly failed = new Int32Array(FAILED_MAX);
  private failedCount = 0;
  /** The missing lookup of the latest failed result, if it was one. */
  latest: (MissingLookup & { resultSeq: number }) | null = null;

  /** What the task or the user said. */
  tell(text: string): void {
    this.context.tell(text);
  }

  onCall(action: ActionRecord, args: unknown): void {
    this.latest = null;
    const unseen: string[] = [];
    for (const k of argumentKeys(args)) {
      if (unseen.length === KEYS_KEPT) break;
      if (!this.context.has(k)) unseen.push(own(k));
    }
    this.pending.push({ callSeq: action.callSeq, unseen });
    if (this.pending.length > PENDING_MAX) this.pending.shift();
  }

  /** A result: what it shows, read from the first `max` characters of its error and output. */
  onResult(a: CompletedAction, max: number): void {
    const i = this.pending.findIndex((p) => p.callSeq === a.callSeq);
    const unseen = i >= 0 ? this.pending.splice(i, 1)[0].unseen : [];
    this.latest = null;
    if (!a.failed) {
      this.context.seeResult(a.error, a.output, max);
      return;
    }
    const missing = readError(a, resultText(a, max));
    if (!missing) return;
    const named = namedKey(missing.kind, missing.resource);
    const key = named || unseen[0] || '';
    const identity = hashOf(named ? `${missing.kind}:${named}` : a.actionFp) | 0;
    const repeated = this.failed.subarray(0, this.failedCount).includes(identity);
    this.latest = {
      resultSeq: a.resultSeq,
      kind: missing.kind,
      resource: own(missing.resource),
      key: own(key),
      repeated,
      invented: named ? !this.context.has(named) : unseen.length > 0,
    };
    if (!repeated) {
      this.failed.copyWithin(1, 0, FAILED_MAX - 1);
      this.failed[0] = identity;
      this.failedCount = Math.min(this.failedCount + 1, FAILED_MAX);
    }
  }
}
