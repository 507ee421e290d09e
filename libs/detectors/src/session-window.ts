import type { TrajectoryEvent } from '@wink/contracts';
import {
  boundedFingerprint,
  fingerprint,
  hex32,
  shortStringify,
  valueFingerprint,
} from './fingerprint.js';
import { extractLedger, type TaskLedger } from './task-ledger.js';
import {
  classifyTool,
  isTestPath,
  isTestRun,
  pathsChangedByCommand,
  pathsCreatedByCommand,
  pathsRemovedByCommand,
  type ToolKind,
  type ToolUse,
} from './tool-kinds.js';
import { failureFingerprint } from './failure-fingerprint.js';
import { asciiBytes } from './utf8.js';
import { LookupMemory } from './lookups.js';
import { rejectionLabel, rejectsStep } from './rejection.js';
import { DESTRUCTIVE_SCAN_MAX } from './rules/destructive-action.js';
import { isWaitingCommand } from './rules/polling.js';
import { RewriteMemory } from './rules/rewrites.js';
import {
  actionText,
  errorSignature,
  hash32,
  jaccard,
  lastValuesHash,
  normalisedHash,
  normalisedHashes,
  lastSketchLength,
  reportsException,
  sketchText,
  SKETCH_SIZE,
} from './signature.js';

/** What the window keeps of one tool call: fingerprints and a short summary, never whole outputs. */
export interface ActionRecord {
  callSeq: number;
  resultSeq: number | null;
  callId: string | null;
  toolName: string;
  /** A short human-readable form of the call, e.g. the shell command, for reasons and allow-lists. */
  summary: string;
  actionFp: string;
  resultFp: string | null;
  failed: boolean;
  kind: ToolKind;
  /** The file the call reads or changes, when it names one. */
  path: string | null;
  /** For edits that give both: fingerprints of the replaced text and its replacement. */
  editFps: [string, string] | null;
  /** The normalised action's hash: equal for calls that differ only in noise. */
  sig: number;
  /** The action's hash with only formatting folded (quotes, spaces, paths), numbers kept. */
  lookSig: number;
  /** A waiting or polling command, whose repetition is normal. */
  polling: boolean;
}

/** A tool call whose result just arrived, with that result's text (not kept in the window). */
export interface CompletedAction extends ActionRecord {
  resultSeq: number;
  output: string;
  error: string;
  exitCode: number | null;
}

/** The step a detector is asked about. */
export type Step =
  | { type: 'task'; seq: number; text: string }
  | {
      type: 'call';
      seq: number;
      action: ActionRecord;
      use: ToolUse;
      args: unknown;
      /** For a call of kind `other`: `shortStringify(args ?? '', DESTRUCTIVE_SCAN_MAX)`; else null. */
      rendered: string | null;
    }
  | { type: 'result'; seq: number; action: CompletedAction }
  | { type: 'message'; seq: number; role: string; text: string }
  | { type: 'usage'; seq: number; tokens: number }
  | { type: 'end'; seq: number; text: string };

export type StepType = Step['type'];

/** Consecutive completed calls of the same (normalised) action. */
export interface ActionRun {
  actionFp: string;
  sig: number;
  resultFp: string;
  outcome: number;
  fromSeq: number;
  sameAction: number;
  /** Of those, how many at the end gave the same result. */
  sameResult: number;
  sameResultFrom: number;
  allFailed: boolean;
  /** Consecutive failures at the end, restarted when a syntax error moves (the parser got further). */
  failing: number;
  failingFrom: number;
  lastError: number;
}

export interface FileState {
  edits: number;
  lastEdit: [string, string] | null;
  lastEditSeq: number;
  /** The step that created the file, and the one that then removed it (-1: none). */
  createdSeq: number;
  removedSeq: number;
}

/** The same error from the same check, come back after edits. */
export interface PersistentFailure {
  /** `test` for any test run, else the check's action signature. */
  key: string;
  errorHash: number;
  label: string;
  edits: number;
  fromSeq: number;
  /** The check's steps that failed this way (the first and the latest few). */
  steps: number[];
}

/** An edit that put back exactly what an earlier edit of the same file replaced. */
export interface Revert {
  path: string;
  editSeq: number;
  revertSeq: number;
}

/** A file created, then removed, then created again. */
export interface Recreation {
  path: string;
  steps: [number, number, number];
}

/** A succeeding call whose result is one already seen, with no edit since. */
export interface Redundancy {
  summary: string;
  count: number;
  steps: number[];
}

export interface TestRunState {
  seq: number;
  failed: boolean;
  failureFp: string | null;
}

const EMPTY: ReadonlySet<string> = new Set();

function emptyFile(): FileState {
  return { edits: 0, lastEdit: null, lastEditSeq: 0, createdSeq: -1, removedSeq: -1 };
}

const SUMMARY_MAX = 100;
/** How much of a command its summary folds first. */
const SUMMARY_SCAN = 4 * SUMMARY_MAX;
/** Completed steps remembered for cycle detection: three repeats of a period of four. */
export const RING = 12;
const SEEN = 12;
export const MAX_PERIOD = 4;
/** Actions at least this similar (token-set Jaccard) count as the same action. */
const SIMILAR = 0.75;
const STRIDE = 4 + SKETCH_SIZE;
const STREAK_AT = RING * STRIDE;
const SEEN_AT = STREAK_AT + MAX_PERIOD + 1;
const MESSAGE_AT = SEEN_AT + SEEN * 4;
const PREVIOUS_MESSAGE_AT = MESSAGE_AT + SKETCH_SIZE;
const PENDING = 4;
/** Sketches of calls awaiting their result: [length, sketch × SKETCH_SIZE] each. */
const PENDING_AT = PREVIOUS_MESSAGE_AT + SKETCH_SIZE;
const PENDING_STRIDE = 1 + SKETCH_SIZE;
const STATE_SIZE = PENDING_AT + PENDING * PENDING_STRIDE;
/** The seqs of the ring's steps, of the results seen and of the pending calls, in `seqs`. */
const RING_SEQ_AT = 0;
const SEEN_SEQ_AT = RING;
const PENDING_SEQ_AT = RING + SEEN;
const F_FAILED = 1;
const F_ERRED = 2;
const F_TEST = 4;
const F_POLLING = 8;
const F_EDIT = 16;
/** A succeeding call whose result rejects the step and asks for a change. */
const F_REJECTED = 32;
/** Empty results carry nothing to call a repeat of them redundant. */
const MIN_SEEN_LENGTH = 1;
/** Messages of fewer tokens are acknowledgements, not plans. */
const MIN_MESSAGE_TOKENS = 8;
/** Messages at least this similar restate each other. */
const RESTATED = 0.8;
const OUTCOME_HEAD = 128;
/** How much of a call's text its signature reads. */
const ACTION_MAX = 256;
const FILES_MAX = 24;
const EDITED_MAX = 32;

/** The start of a result's error and output, without copying the rest of a long output. */
export function resultText(a: Pick<CompletedAction, 'error' | 'output'>, max: number): string {
  const error = a.error.length > max ? a.error.slice(0, max) : a.error;
  const output = a.output.length > max ? a.output.slice(0, max) : a.output;
  return `${error}\n${output}`;
}

/**
 * A fingerprint of a result, whatever its size, in bounded time: the whole text up to 4 KiB;
 * beyond that its length, its first 3 KiB, its last 512 characters and 256 characters evenly
 * spaced over the middle. With `second`, of `${text}\n${second}`, without joining them.
 */
export function resultFingerprint(text: string, from = 0, second: string | null = null): number {
  const length = second === null ? text.length : text.length + 1 + second.length;
  const head = from + 3072;
  const tail = 512;
  if (length - from <= 4096) return hashJoined(text, second, from, length) | 0;
  let h = hashJoined(text, second, from, head) ^ Math.imul(length, 0x9e3779b1);
  h = Math.imul(h ^ hashJoined(text, second, length - tail, length), 0x01000193);
  const stride = Math.floor((length - head - tail) / 256);
  for (let i = head; i < length - tail; i += stride)
    h = Math.imul(h ^ charJoined(text, second, i), 0x01000193);
  return h | 0;
}

/** FNV-1a of `[from, to)` of `first`, or of `${first}\n${second}`. */
function hashJoined(first: string, second: string | null, from: number, to: number): number {
  const n = first.length;
  let h = fnv1a(0x811c9dc5, first, from, Math.min(to, n));
  if (second === null || to <= n) return h;
  if (from <= n) h = Math.imul(h ^ 10, 0x01000193);
  return fnv1a(h, second, Math.max(from, n + 1) - n - 1, to - n - 1);
}

/** FNV-1a of `text[from, to)`, continuing from `h`. */
function fnv1a(h: number, text: string, from: number, to: number): number {
  const bytes = asciiBytes(text, from, to);
  if (bytes !== null) for (let i = 0; i < to - from; i++) h = Math.imul(h ^ bytes[i], 0x01000193);
  else for (let i = from; i < to; i++) h = Math.imul(h ^ text.charCodeAt(i), 0x01000193);
  return h;
}

function charJoined(first: string, second: string | null, i: number): number {
  if (second === null || i < first.length) return first.charCodeAt(i);
  return i === first.length ? 10 : second.charCodeAt(i - first.length - 1);
}

/**
 * What a result says once noise is masked — the same for reruns that differ only in timings,
 * timestamps, addresses or temp names (numbers are kept: a different count is news): its error
 * signature when it has one, else its first 128 characters folded and the rest fingerprinted.
 * The error and output are read as `${error}\n${output}`, never joined whole.
 */
function outcomeOf(failed: boolean, output: string, error: string, errorHash: number): number {
  if (errorHash !== 0) return errorHash;
  // The fold reads a few characters past its limit: twice the head covers them.
  const head = error
    ? `${error.slice(0, 2 * OUTCOME_HEAD)}\n${output.slice(0, 2 * OUTCOME_HEAD)}`
    : output;
  const h = normalisedHash(head, OUTCOME_HEAD, 'none') ^ (failed ? 0x5bd1e995 : 0);
  const length = error ? error.length + 1 + output.length : output.length;
  if (length <= OUTCOME_HEAD) return h | 0;
  return (
    Math.imul(h, 0x01000193) ^
    (error
      ? resultFingerprint(error, OUTCOME_HEAD, output)
      : resultFingerprint(output, OUTCOME_HEAD))
  );
}

/** `rendered`: `shortStringify(args, n)` for some n ≥ SUMMARY_MAX, when already made. */
export function summariseCall(name: string, args: unknown, rendered: string | null = null): string {
  const a = args as Record<string, unknown> | undefined;
  const command = a && (a.command ?? a.cmd ?? a.script);
  // A longer rendering starts with the shorter one (`shortStringify` stops once it is long enough).
  const text =
    typeof command === 'string' && !/^(view|create|str_replace|insert)$/.test(command)
      ? command
      : `${name}(${args === undefined ? '' : (rendered?.slice(0, SUMMARY_MAX) ?? shortStringify(args, SUMMARY_MAX))})`;
  // Folding a prefix gives a prefix of the folded whole: when that already runs past the
  // summary, the rest of a long command (a heredoc, a script) need not be read.
  const head = text.length > SUMMARY_SCAN ? oneLine(text.slice(0, SUMMARY_SCAN)) : null;
  const folded = head !== null && head.length > SUMMARY_MAX ? head : oneLine(text);
  return folded.length > SUMMARY_MAX ? `${folded.slice(0, SUMMARY_MAX - 1)}…` : folded;
}

function oneLine(text: string): string {
  // Only a run of spaces or another space character changes it.
  return (/[^\S ]| {2}/.test(text) ? text.replace(/\s+/g, ' ') : text).trim();
}

function boundedSet(map: Map<string, FileState>, key: string, value: FileState): void {
  map.delete(key);
  map.set(key, value);
  if (map.size > FILES_MAX) map.delete(map.keys().next().value!);
}

function pushBounded(list: number[], seq: number, max: number): void {
  list.push(seq);
  if (list.length > max) list.splice(1, 1);
}

/**
 * The bounded state of one session that detectors look at. Everything is updated incrementally
 * as events arrive — O(1) per event, reading a bounded prefix of each text — and sized by
 * constants, never by session length: the last few actions, a ring of twelve completed steps'
 * signatures and sketches for cycles, a ring of twelve results already seen, a few files.
 */
export class SessionWindow {
  readonly actions: ActionRecord[] = [];
  env: string | undefined;
  lastSeq = -1;
  /** Events pushed so far: how far the session has gone, which seqs (timestamps for OTLP) do not say. */
  events = 0;
  /**
   * The window was rebuilt without the session's whole record (history cut to its recent events,
   * or not readable): what it has not seen may still have happened, so no rule may conclude from
   * an absence ("no test ran", "nothing named it", "no file was changed").
   */
  partial = false;
  ledger: TaskLedger | null = null;
  taskSeq = -1;
  run: ActionRun | null = null;
  /** Consecutive failing results sharing an error signature. */
  errorRun: { errorFp: string; count: number; fromSeq: number; distinctActions: boolean } | null =
    null;
  timeouts = { count: 0, fromSeq: 0 };
  message = { lastFp: '', repeats: 0, fromSeq: 0, empties: 0, emptyFrom: 0 };
  /** Assistant messages in a row that restate the previous one, with nothing new between. */
  restatement = { count: 0, fromSeq: 0, withResults: false };
  condensations = { count: 0, fromSeq: 0, lastSeq: -1 };
  lastTest: TestRunState | null = null;
  /** The failure that persists across edits: how many rounds of edits it has survived. */
  persistentFailure: PersistentFailure | null = null;
  editsSinceTest = 0;
  readonly files = new Map<string, FileState>();
  readonly edited = new Set<string>();
  testFilesEdited = 0;
  /** Files changed and user messages received so far: what can make a repeated look legitimate. */
  edits = 0;
  tokens = 0;
  /** The session's tokens before the latest usage event. */
  tokensBefore = 0;
  failedCalls = 0;
  /** Set by the result that reverted an earlier edit; cleared by the next result. */
  revert: Revert | null = null;
  /** The names the context has shown, and the lookups that found nothing. */
  readonly lookups = new LookupMemory();
  /** The latest result's error (type and message), or ''. */
  lastError = '';
  /** The latest result's rejection of the step (see `rejection.ts`), or ''. */
  lastRejection = '';
  /** Set by the write that re-created a removed file; cleared by the next result. */
  recreation: Recreation | null = null;
  /** Set by a result already seen with no edit since; cleared by the next result. */
  redundancy: Redundancy | null = null;
  /** The latest edit, and the one that rewrote its lines; made at the session's first edit. */
  rewrites: RewriteMemory | null = null;

  // Ring of completed steps: [sig, outcome, flags, sketch length, sketch × SKETCH_SIZE] each.
  // All of it in one typed array: the ring at RING_AT, then the period streaks, the seen ring,
  // two message sketches and the pending calls' sketches. Their seqs go up to
  // Number.MAX_SAFE_INTEGER, beyond an Int32Array, so they have a float array of their own.
  private readonly state = new Int32Array(STATE_SIZE);
  private readonly seqs = new Float64Array(PENDING_SEQ_AT + PENDING);
  private completedCount = 0;
  /** streak[p]: consecutive latest steps matching the step p before them. */
  // Ring of results seen: [sig, outcome, edits at the time, count] each, and the first step.
  private seenNext = 0;
  private messageSketchLength = -1;
  private newSinceMessage = false;
  private lastFailure = 0;
  private callCount = 0;

  constructor(readonly capacity = 6) {}

  /** Records an event and returns the step detectors should look at, if any. */
  push(event: TrajectoryEvent): Step | null {
    this.events++;
    if (event.env) this.env = event.env;
    this.lastSeq = Math.max(this.lastSeq, event.seq);
    switch (event.kind) {
      case 'task':
        if (!this.ledger) {
          this.ledger = extractLedger(event.text ?? '');
          this.taskSeq = event.seq;
        }
        this.lookups.tell(event.text ?? '');
        return { type: 'task', seq: event.seq, text: event.text ?? '' };
      case 'tool_call':
        return event.tool
          ? this.onCall(event.seq, event.tool.name, event.tool.args, event.tool.callId)
          : null;
      case 'tool_result':
        return event.result ? this.onResult(event.seq, event.result) : null;
      case 'message':
        return this.onMessage(event.seq, event.role ?? 'assistant', event.text ?? '');
      case 'usage':
        if (!event.usage) return null;
        this.tokensBefore = this.tokens;
        this.tokens += event.usage.inputTokens + event.usage.outputTokens;
        return { type: 'usage', seq: event.seq, tokens: this.tokens };
      case 'session_end':
        return { type: 'end', seq: event.seq, text: event.text ?? '' };
      default:
        return null;
    }
  }

  private onCall(seq: number, name: string, args: unknown, callId: string | undefined): Step {
    const use = classifyTool(name, args);
    // Made once for the summary and the destructive-action patterns.
    const rendered = use.kind === 'other' ? shortStringify(args ?? '', DESTRUCTIVE_SCAN_MAX) : null;
    const action: ActionRecord = {
      callSeq: seq,
      resultSeq: null,
      callId: callId ?? null,
      toolName: name,
      summary: summariseCall(name, args, args === null || args === undefined ? null : rendered),
      actionFp: fingerprint(`${name}\u0000${valueFingerprint(args)}`),
      resultFp: null,
      failed: false,
      kind: use.kind,
      path: use.path ? use.path.slice(0, 200) : null,
      editFps:
        use.oldText !== null && use.newText !== null
          ? [boundedFingerprint(use.oldText), boundedFingerprint(use.newText)]
          : null,
      sig: 0,
      lookSig: 0,
      polling: false,
    };
    const text = actionText(name, args, ACTION_MAX);
    // One pass: both hashes, and the sketch kept until the result arrives.
    const slot = this.callCount++ % PENDING;
    const pending = PENDING_AT + slot * PENDING_STRIDE;
    action.sig = normalisedHashes(text, ACTION_MAX, this.state, pending + 1);
    action.lookSig = lastValuesHash();
    this.seqs[PENDING_SEQ_AT + slot] = seq;
    this.state[pending] = lastSketchLength();
    action.polling = isWaitingCommand(action.summary);
    this.actions.push(action);
    if (this.actions.length > this.capacity) this.actions.shift();
    if (action.kind === 'edit' && action.editFps)
      (this.rewrites ??= new RewriteMemory()).onCall(seq, use.oldText, use.newText);
    this.lookups.onCall(action, args);
    this.message.repeats = 0;
    this.condensations.count = 0;
    return { type: 'call', seq, action, use, args, rendered };
  }

  private onResult(seq: number, result: NonNullable<TrajectoryEvent['result']>): Step | null {
    const action = this.pendingFor(result.callId);
    if (!action) return null;
    const { ok, output = '', error = '', exitCode } = result;
    action.resultSeq = seq;
    action.failed = !ok || (exitCode !== undefined && exitCode !== 0);
    const erred = !action.failed && reportsException(output);
    const err =
      action.failed || erred
        ? errorSignature(resultText({ output, error }, 4096))
        : errorSignature('');
    // A failure with no recognisable error line is identified by its first words.
    if (action.failed && err.hash === 0)
      err.hash = normalisedHash(resultText({ output, error }, 512), 1024, 'positions') || 1;
    const outcome = outcomeOf(action.failed, output, error, err.hash);
    const rejected = !action.failed && !erred && rejectsStep(output, error);
    action.resultFp = `${action.failed ? 'f' : 'o'}${exitCode ?? ''}:${hex32(outcome)}`;
    // Spelled out: a spread copies into a slower, differently shaped object.
    const completed: CompletedAction = {
      callSeq: action.callSeq,
      resultSeq: seq,
      callId: action.callId,
      toolName: action.toolName,
      summary: action.summary,
      actionFp: action.actionFp,
      resultFp: action.resultFp,
      failed: action.failed,
      kind: action.kind,
      path: action.path,
      editFps: action.editFps,
      sig: action.sig,
      lookSig: action.lookSig,
      polling: action.polling,
      output,
      error,
      exitCode: exitCode ?? null,
    };
    this.message.repeats = 0;
    this.revert = null;
    this.recreation = null;
    this.redundancy = null;
    this.updateRun(completed, outcome, err.hash, err.syntax);
    this.updateErrors(completed, err.hash);
    if (completed.failed) this.failedCalls++;
    this.updateFiles(completed, err.hash, err.label, erred);
    this.updateCycles(completed, outcome, erred, rejected);
    this.lastError = err.label;
    this.lastRejection = rejected ? rejectionLabel(output, error) : '';
    this.updateSeen(completed, outcome, erred);
    this.rewrites?.onResult(completed, !completed.failed && !erred && !rejected);
    this.lookups.onResult(completed, 8192);
    return { type: 'result', seq, action: completed };
  }

  private updateRun(a: CompletedAction, outcome: number, errorHash: number, syntax: boolean): void {
    const run = this.run;
    const failing = a.failed || errorHash !== 0;
    if (run && run.sig === a.sig) {
      run.sameAction++;
      if (run.resultFp === a.resultFp || run.outcome === outcome) run.sameResult++;
      else {
        run.sameResult = 1;
        run.sameResultFrom = a.callSeq;
      }
      run.resultFp = a.resultFp!;
      run.outcome = outcome;
      run.allFailed &&= a.failed;
      const moved = syntax && errorHash !== run.lastError;
      if (failing && run.failing > 0 && !moved) run.failing++;
      else {
        run.failing = failing ? 1 : 0;
        run.failingFrom = a.callSeq;
      }
      run.lastError = errorHash;
    } else {
      this.run = {
        actionFp: a.actionFp,
        sig: a.sig,
        resultFp: a.resultFp!,
        outcome,
        fromSeq: a.callSeq,
        sameAction: 1,
        sameResult: 1,
        sameResultFrom: a.callSeq,
        allFailed: a.failed,
        failing: failing ? 1 : 0,
        failingFrom: a.callSeq,
        lastError: errorHash,
      };
    }
  }

  private updateErrors(a: CompletedAction, errorHash: number): void {
    if (!a.failed) {
      this.errorRun = null;
      this.timeouts.count = 0;
      return;
    }
    const errorFp = hex32(errorHash);
    if (this.errorRun && this.errorRun.errorFp === errorFp) {
      this.errorRun.count++;
      if (this.run && this.run.sameAction < this.errorRun.count)
        this.errorRun.distinctActions = true;
    } else {
      this.errorRun = { errorFp, count: 1, fromSeq: a.callSeq, distinctActions: false };
    }
    const timedOut =
      a.exitCode === 124 ||
      /\b(timed out|timeout expired|ETIMEDOUT|deadline exceeded)\b/i.test(resultText(a, 4096));
    if (timedOut) {
      if (this.timeouts.count === 0) this.timeouts.fromSeq = a.callSeq;
      this.timeouts.count++;
    } else {
      this.timeouts.count = 0;
    }
  }

  private fileState(path: string): FileState {
    return this.files.get(path) ?? emptyFile();
  }

  private updateFiles(a: CompletedAction, errorHash: number, label: string, erred: boolean): void {
    const changed: string[] = [];
    const command = a.kind === 'shell' ? a.summary : null;
    const ok = !a.failed;
    if ((a.kind === 'edit' || a.kind === 'write' || a.kind === 'delete') && a.path && ok)
      changed.push(a.path);
    if (command && ok) changed.push(...pathsChangedByCommand(command));
    // Read only for a changed path: a call that changed none needs neither set.
    const removed =
      changed.length === 0
        ? EMPTY
        : new Set(
            a.kind === 'delete' && a.path
              ? [a.path]
              : command && ok
                ? pathsRemovedByCommand(command)
                : [],
          );
    const created =
      changed.length === 0
        ? EMPTY
        : new Set(
            a.kind === 'write' && a.path
              ? [a.path]
              : command && ok
                ? pathsCreatedByCommand(command)
                : [],
          );
    for (const path of changed) {
      const file = this.fileState(path);
      file.edits++;
      if (a.editFps && path === a.path) {
        const last = file.lastEdit;
        if (last && last[0] === a.editFps[1] && last[1] === a.editFps[0]) {
          this.revert = { path, editSeq: file.lastEditSeq, revertSeq: a.callSeq };
        }
        file.lastEdit = a.editFps;
      }
      if (removed.has(path) && file.createdSeq >= 0) file.removedSeq = a.callSeq;
      else if (created.has(path)) {
        if (file.createdSeq >= 0 && file.removedSeq >= 0)
          this.recreation = { path, steps: [file.createdSeq, file.removedSeq, a.callSeq] };
        file.createdSeq = a.callSeq;
        file.removedSeq = -1;
      }
      file.lastEditSeq = a.callSeq;
      boundedSet(this.files, path, file);
      if (this.edited.size < EDITED_MAX) this.edited.add(path);
      if (isTestPath(path)) this.testFilesEdited++;
      this.editsSinceTest++;
      this.edits++;
    }
    const test = isTestRun(a.toolName, command);
    if (test) {
      const failureFp = a.failed ? failureFingerprint(resultText(a, 8192)) : null;
      this.lastTest = { seq: a.resultSeq, failed: a.failed, failureFp };
    }
    if (changed.length > 0 || a.kind === 'read') return;
    // A check (a test run, or any command run again) that fails the same way after edits.
    const key = test ? 'test' : String(a.sig);
    const pf = this.persistentFailure;
    if ((a.failed || erred) && errorHash !== 0) {
      if (pf && pf.key === key && pf.errorHash === errorHash) {
        if (this.editsSinceTest > 0) {
          pf.edits++;
          pushBounded(pf.steps, a.callSeq, 5);
        }
        this.editsSinceTest = 0;
      } else if (test || !pf || this.editsSinceTest === 0 || pf.key === key) {
        this.persistentFailure = {
          key,
          errorHash,
          label,
          edits: 0,
          fromSeq: a.callSeq,
          steps: [a.callSeq],
        };
        this.editsSinceTest = 0;
      }
    } else if (pf && pf.key === key) {
      this.persistentFailure = null;
      this.editsSinceTest = 0;
    } else if (test) {
      this.editsSinceTest = 0;
    }
  }

  private updateCycles(
    a: CompletedAction,
    outcome: number,
    erred: boolean,
    rejected: boolean,
  ): void {
    const stride = STRIDE;
    const slot = this.completedCount % RING;
    const base = slot * stride;
    const r = this.state;
    const edit = a.kind === 'edit' || a.kind === 'write';
    // Edits repeat only when they are exactly the same edit.
    r[base] = edit ? hash32(a.actionFp) : a.sig;
    r[base + 1] = outcome;
    r[base + 2] =
      (a.failed ? F_FAILED : 0) |
      (erred ? F_ERRED : 0) |
      (isTestRun(a.toolName, a.kind === 'shell' ? a.summary : null) ? F_TEST : 0) |
      (a.polling ? F_POLLING : 0) |
      (edit ? F_EDIT : 0) |
      (rejected ? F_REJECTED : 0);
    r[base + 3] = edit ? 0 : this.takeSketch(a.callSeq, base + 4);
    this.seqs[RING_SEQ_AT + slot] = a.callSeq;
    const n = ++this.completedCount;
    for (let p = 1; p <= MAX_PERIOD; p++) {
      if (n <= p) break;
      const other = ((n - 1 - p) % RING) * stride;
      r[STREAK_AT + p] = this.sameStep(base, other) ? r[STREAK_AT + p] + 1 : 0;
    }
  }

  /** Moves the call's sketch from the pending slots into the ring; 0 tokens if it was evicted. */
  private takeSketch(callSeq: number, to: number): number {
    const r = this.state;
    for (let k = 0; k < PENDING; k++) {
      if (this.seqs[PENDING_SEQ_AT + k] !== callSeq) continue;
      const at = PENDING_AT + k * PENDING_STRIDE;
      r.copyWithin(to, at + 1, at + 1 + SKETCH_SIZE);
      this.seqs[PENDING_SEQ_AT + k] = -1;
      return r[at];
    }
    return 0;
  }

  /** Similar actions (the same, for edits) with the same outcome. */
  private sameStep(x: number, y: number): boolean {
    const r = this.state;
    if (r[x + 1] !== r[y + 1] || r[x + 2] !== r[y + 2]) return false;
    if (r[x] === r[y]) return true;
    if (r[x + 2] & F_EDIT) return false;
    return jaccard(r, x + 4, r[x + 3], r, y + 4, r[y + 3]) >= SIMILAR;
  }

  /** Completed steps so far. */
  get completedSteps(): number {
    return this.completedCount;
  }

  /** Consecutive latest steps that match the step `period` before them (period 1–4). */
  periodStreak(period: number): number {
    return this.state[STREAK_AT + period];
  }

  /** The flags of the k-th latest completed step (0: the latest). */
  stepFlags(k: number): { failing: boolean; test: boolean; polling: boolean; rejected: boolean } {
    const f = this.state[((this.completedCount - 1 - k) % RING) * STRIDE + 2];
    return {
      failing: (f & (F_FAILED | F_ERRED)) !== 0,
      test: (f & F_TEST) !== 0,
      polling: (f & F_POLLING) !== 0,
      rejected: (f & F_REJECTED) !== 0,
    };
  }

  /** The call seq of the k-th latest completed step, for k below the ring's size. */
  stepSeq(k: number): number {
    return this.seqs[RING_SEQ_AT + ((this.completedCount - 1 - k) % RING)];
  }

  /** Results seen, keyed by the call with its values: looking again at the same thing, not a similar one. */
  private updateSeen(a: CompletedAction, outcome: number, erred: boolean): void {
    if (a.failed || erred) {
      // A failure is news when it is not the one just seen.
      if (outcome !== this.lastFailure) this.newSinceMessage = true;
      this.lastFailure = outcome;
      return;
    }
    const sig = a.lookSig;
    const length = a.output.length + a.error.length;
    if (length < MIN_SEEN_LENGTH || a.polling) {
      this.newSinceMessage = true;
      return;
    }
    const s = this.state;
    for (let i = 0; i < SEEN; i++) {
      const b = SEEN_AT + i * 4;
      if (s[b + 3] === 0 || s[b] !== sig || s[b + 1] !== outcome) continue;
      if (s[b + 2] !== this.edits) {
        s[b + 2] = this.edits;
        s[b + 3] = 1;
        this.seqs[SEEN_SEQ_AT + i] = a.callSeq;
        this.newSinceMessage = true;
        return;
      }
      s[b + 3]++;
      this.redundancy = {
        summary: a.summary,
        count: s[b + 3],
        steps: [this.seqs[SEEN_SEQ_AT + i], a.callSeq],
      };
      return;
    }
    const b = SEEN_AT + this.seenNext * 4;
    s[b] = sig;
    s[b + 1] = outcome;
    s[b + 2] = this.edits;
    s[b + 3] = 1;
    this.seqs[SEEN_SEQ_AT + this.seenNext] = a.callSeq;
    this.seenNext = (this.seenNext + 1) % SEEN;
    this.newSinceMessage = true;
  }

  private onMessage(seq: number, role: string, text: string): Step {
    if (role === 'user') this.lookups.tell(text);
    if (role === 'user') {
      // What the user says is new information: looking again after it is not redundant.
      this.edits++;
      this.newSinceMessage = true;
      this.rewrites?.onUserMessage();
    }
    if (role === 'assistant') {
      const trimmed = text.trim();
      if (trimmed === '') {
        if (this.message.empties === 0) this.message.emptyFrom = seq;
        this.message.empties++;
      } else {
        this.message.empties = 0;
        const fp = boundedFingerprint(trimmed);
        if (fp === this.message.lastFp && this.message.repeats > 0) this.message.repeats++;
        else {
          this.message.lastFp = fp;
          this.message.repeats = 1;
          this.message.fromSeq = seq;
        }
        this.updateRestatement(seq, trimmed);
      }
    }
    if (
      role !== 'assistant' &&
      /\b(condens(ed|ation)|context (was )?(summari[sz]ed|compacted|truncated))\b/i.test(
        text.slice(0, 300),
      )
    ) {
      if (this.condensations.count === 0) this.condensations.fromSeq = seq;
      this.condensations.count++;
      this.condensations.lastSeq = seq;
    }
    return { type: 'message', seq, role, text };
  }

  /** Whether this message restates the previous one (similar words) with nothing new between. */
  private updateRestatement(seq: number, text: string): void {
    const m = this.state;
    m.copyWithin(PREVIOUS_MESSAGE_AT, MESSAGE_AT, MESSAGE_AT + SKETCH_SIZE);
    const previous = Math.max(this.messageSketchLength, 0);
    const length = sketchText(text, m, MESSAGE_AT, 256);
    const r = this.restatement;
    const similar =
      this.messageSketchLength >= MIN_MESSAGE_TOKENS &&
      length >= MIN_MESSAGE_TOKENS &&
      jaccard(m, PREVIOUS_MESSAGE_AT, previous, m, MESSAGE_AT, length) >= RESTATED;
    if (similar && !this.newSinceMessage) {
      r.count++;
      r.withResults ||= this.message.repeats === 1;
    } else {
      r.count = 1;
      r.fromSeq = seq;
      r.withResults = false;
    }
    this.messageSketchLength = length;
    this.newSinceMessage = false;
  }

  /** Completed actions still in the window, oldest first. */
  completed(): ActionRecord[] {
    return this.actions.filter((a) => a.resultSeq !== null);
  }

  private pendingFor(callId: string | undefined): ActionRecord | undefined {
    for (let i = this.actions.length - 1; i >= 0; i--) {
      const a = this.actions[i];
      if (a.resultSeq !== null) continue;
      if (callId === undefined || a.callId === null || a.callId === callId) return a;
    }
    return undefined;
  }
}
