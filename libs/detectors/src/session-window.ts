import type { TrajectoryEvent } from '@wink/contracts';
import {
  boundedFingerprint,
  fingerprint,
  shortStringify,
  valueFingerprint,
} from './fingerprint.js';
import { extractLedger, type TaskLedger } from './task-ledger.js';
import {
  classifyTool,
  isTestPath,
  isTestRun,
  pathsChangedByCommand,
  type ToolKind,
  type ToolUse,
} from './tool-kinds.js';
import { failureFingerprint } from './failure-fingerprint.js';
import { LookupMemory } from './lookups.js';

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
  | { type: 'call'; seq: number; action: ActionRecord; use: ToolUse; args: unknown }
  | { type: 'result'; seq: number; action: CompletedAction }
  | { type: 'message'; seq: number; role: string; text: string }
  | { type: 'usage'; seq: number; tokens: number }
  | { type: 'end'; seq: number; text: string };

/** Consecutive completed calls of the same action. */
export interface ActionRun {
  actionFp: string;
  resultFp: string;
  fromSeq: number;
  sameAction: number;
  /** Of those, how many at the end gave the same result. */
  sameResult: number;
  sameResultFrom: number;
  allFailed: boolean;
}

export interface FileState {
  reads: number;
  firstReadSeq: number;
  lastContentFp: string | null;
  edits: number;
  lastEdit: [string, string] | null;
  lastEditSeq: number;
}

/** An edit that put back exactly what an earlier edit of the same file replaced. */
export interface Revert {
  path: string;
  editSeq: number;
  revertSeq: number;
}

export interface TestRunState {
  seq: number;
  failed: boolean;
  failureFp: string | null;
}

const SUMMARY_MAX = 100;
const FILES_MAX = 24;
const EDITED_MAX = 32;

/** The start of a result's error and output, without copying the rest of a long output. */
export function resultText(a: Pick<CompletedAction, 'error' | 'output'>, max: number): string {
  const error = a.error.length > max ? a.error.slice(0, max) : a.error;
  const output = a.output.length > max ? a.output.slice(0, max) : a.output;
  return `${error}\n${output}`;
}

export function summariseCall(name: string, args: unknown): string {
  const a = args as Record<string, unknown> | undefined;
  const command = a && (a.command ?? a.cmd ?? a.script);
  const text =
    typeof command === 'string' && !/^(view|create|str_replace|insert)$/.test(command)
      ? command
      : `${name}(${args === undefined ? '' : shortStringify(args, SUMMARY_MAX)})`;
  const oneLine = text.replace(/\s+/g, ' ').trim();
  return oneLine.length > SUMMARY_MAX ? `${oneLine.slice(0, SUMMARY_MAX - 1)}…` : oneLine;
}

function boundedSet(map: Map<string, FileState>, key: string, value: FileState): void {
  map.delete(key);
  map.set(key, value);
  if (map.size > FILES_MAX) map.delete(map.keys().next().value!);
}

/**
 * The bounded state of one session that detectors look at. Everything is updated incrementally
 * as events arrive — O(1) amortised per event — and sized by constants, never by session length.
 */
export class SessionWindow {
  readonly actions: ActionRecord[] = [];
  env: string | undefined;
  lastSeq = -1;
  ledger: TaskLedger | null = null;
  taskSeq = -1;
  run: ActionRun | null = null;
  /** Consecutive failing results sharing an error fingerprint. */
  errorRun: { errorFp: string; count: number; fromSeq: number; distinctActions: boolean } | null =
    null;
  timeouts = { count: 0, fromSeq: 0 };
  message = { lastFp: '', repeats: 0, fromSeq: 0, empties: 0, emptyFrom: 0 };
  condensations = { count: 0, fromSeq: 0 };
  lastTest: TestRunState | null = null;
  /** The test failure that persists across edits: how many different edits it has survived. */
  persistentFailure: { failureFp: string; edits: number; fromSeq: number } | null = null;
  editsSinceTest = 0;
  readonly files = new Map<string, FileState>();
  readonly edited = new Set<string>();
  testFilesEdited = 0;
  tokens = 0;
  /** The session's tokens before the latest usage event. */
  tokensBefore = 0;
  failedCalls = 0;
  /** Set by the result that reverted an earlier edit; cleared by the next result. */
  revert: Revert | null = null;
  /** The names the context has shown, and the lookups that found nothing. */
  readonly lookups = new LookupMemory();

  constructor(readonly capacity = 8) {}

  /** Records an event and returns the step detectors should look at, if any. */
  push(event: TrajectoryEvent): Step | null {
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
    const action: ActionRecord = {
      callSeq: seq,
      resultSeq: null,
      callId: callId ?? null,
      toolName: name,
      summary: summariseCall(name, args),
      actionFp: fingerprint(`${name}\u0000${valueFingerprint(args)}`),
      resultFp: null,
      failed: false,
      kind: use.kind,
      path: use.path ? use.path.slice(0, 200) : null,
      editFps:
        use.oldText !== null && use.newText !== null
          ? [boundedFingerprint(use.oldText), boundedFingerprint(use.newText)]
          : null,
    };
    this.actions.push(action);
    if (this.actions.length > this.capacity) this.actions.shift();
    this.lookups.onCall(action, args);
    this.message.repeats = 0;
    this.condensations.count = 0;
    return { type: 'call', seq, action, use, args };
  }

  private onResult(seq: number, result: NonNullable<TrajectoryEvent['result']>): Step | null {
    const action = this.pendingFor(result.callId);
    if (!action) return null;
    const { ok, output = '', error = '', exitCode } = result;
    action.resultSeq = seq;
    action.failed = !ok || (exitCode !== undefined && exitCode !== 0);
    action.resultFp = fingerprint(
      `${action.failed}\u0000${exitCode ?? ''}\u0000${boundedFingerprint(output)}\u0000${boundedFingerprint(error)}`,
    );
    const completed: CompletedAction = {
      ...action,
      resultSeq: seq,
      output,
      error,
      exitCode: exitCode ?? null,
    };
    this.message.repeats = 0;
    this.updateRun(completed);
    this.updateErrors(completed);
    if (completed.failed) this.failedCalls++;
    this.updateFiles(completed);
    this.lookups.onResult(completed, resultText(completed, 8192));
    return { type: 'result', seq, action: completed };
  }

  private updateRun(a: CompletedAction): void {
    const run = this.run;
    if (run && run.actionFp === a.actionFp) {
      run.sameAction++;
      if (run.resultFp === a.resultFp) run.sameResult++;
      else {
        run.sameResult = 1;
        run.sameResultFrom = a.callSeq;
      }
      run.resultFp = a.resultFp!;
      run.allFailed &&= a.failed;
    } else {
      this.run = {
        actionFp: a.actionFp,
        resultFp: a.resultFp!,
        fromSeq: a.callSeq,
        sameAction: 1,
        sameResult: 1,
        sameResultFrom: a.callSeq,
        allFailed: a.failed,
      };
    }
  }

  private updateErrors(a: CompletedAction): void {
    if (!a.failed) {
      this.errorRun = null;
      this.timeouts.count = 0;
      return;
    }
    const errorFp = failureFingerprint(resultText(a, 8192));
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

  private updateFiles(a: CompletedAction): void {
    this.revert = null;
    const changed: string[] = [];
    const command = a.kind === 'shell' ? a.summary : null;
    if ((a.kind === 'edit' || a.kind === 'write' || a.kind === 'delete') && a.path && !a.failed)
      changed.push(a.path);
    if (command && !a.failed) changed.push(...pathsChangedByCommand(command));
    for (const path of changed) {
      const file = this.files.get(path) ?? {
        reads: 0,
        firstReadSeq: a.callSeq,
        lastContentFp: null,
        edits: 0,
        lastEdit: null,
        lastEditSeq: 0,
      };
      file.edits++;
      file.reads = 0;
      if (a.editFps && path === a.path) {
        const last = file.lastEdit;
        if (last && last[0] === a.editFps[1] && last[1] === a.editFps[0]) {
          this.revert = { path, editSeq: file.lastEditSeq, revertSeq: a.callSeq };
        }
        file.lastEdit = a.editFps;
      }
      file.lastEditSeq = a.callSeq;
      boundedSet(this.files, path, file);
      if (this.edited.size < EDITED_MAX) this.edited.add(path);
      if (isTestPath(path)) this.testFilesEdited++;
      this.editsSinceTest++;
    }
    if (a.kind === 'read' && a.path && !a.failed) {
      const contentFp = a.resultFp;
      const file = this.files.get(a.path);
      if (file && file.lastContentFp === contentFp) file.reads++;
      const next =
        file && file.lastContentFp === contentFp
          ? file
          : {
              reads: 1,
              firstReadSeq: a.callSeq,
              lastContentFp: contentFp,
              edits: file?.edits ?? 0,
              lastEdit: file?.lastEdit ?? null,
              lastEditSeq: file?.lastEditSeq ?? 0,
            };
      boundedSet(this.files, a.path, next);
    }
    if (isTestRun(a.toolName, command)) {
      const failureFp = a.failed ? failureFingerprint(resultText(a, 8192)) : null;
      if (failureFp && this.persistentFailure?.failureFp === failureFp) {
        if (this.editsSinceTest > 0) this.persistentFailure.edits++;
      } else {
        this.persistentFailure = failureFp ? { failureFp, edits: 0, fromSeq: a.callSeq } : null;
      }
      this.lastTest = { seq: a.resultSeq, failed: a.failed, failureFp };
      this.editsSinceTest = 0;
    }
  }

  private onMessage(seq: number, role: string, text: string): Step {
    if (role === 'user') this.lookups.tell(text);
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
      }
    }
    if (
      /\b(condens(ed|ation)|context (was )?(summari[sz]ed|compacted|truncated))\b/i.test(
        text.slice(0, 300),
      ) &&
      role !== 'assistant'
    ) {
      if (this.condensations.count === 0) this.condensations.fromSeq = seq;
      this.condensations.count++;
    }
    return { type: 'message', seq, role, text };
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
