import type { TrajectoryEvent } from '@wink/contracts';
import { fingerprint, stableStringify } from './fingerprint.js';

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
}

/** The step a detector is asked about: a tool call whose result just arrived, with that result's text. */
export interface CompletedAction extends ActionRecord {
  resultSeq: number;
  output: string;
  error: string;
  exitCode: number | null;
}

const SUMMARY_MAX = 120;

export function summariseCall(name: string, args: unknown): string {
  const a = args as Record<string, unknown> | undefined;
  const command = a && (a.command ?? a.cmd ?? a.script);
  const text =
    typeof command === 'string'
      ? command
      : `${name}(${args === undefined ? '' : stableStringify(args)})`;
  const oneLine = text.replace(/\s+/g, ' ').trim();
  return oneLine.length > SUMMARY_MAX ? `${oneLine.slice(0, SUMMARY_MAX - 1)}…` : oneLine;
}

/**
 * The bounded recent history of one session that detectors look at: the last `capacity` tool
 * calls. Pushing an event costs O(1) amortised; memory is bounded by `capacity`.
 */
export class SessionWindow {
  readonly actions: ActionRecord[] = [];
  env: string | undefined;
  lastSeq = -1;

  constructor(readonly capacity = 32) {}

  /** Records an event; returns the completed action when the event is a tool call's result. */
  push(event: TrajectoryEvent): CompletedAction | null {
    if (event.env) this.env = event.env;
    this.lastSeq = Math.max(this.lastSeq, event.seq);
    if (event.kind === 'tool_call' && event.tool) {
      this.actions.push({
        callSeq: event.seq,
        resultSeq: null,
        callId: event.tool.callId ?? null,
        toolName: event.tool.name,
        summary: summariseCall(event.tool.name, event.tool.args),
        actionFp: fingerprint(`${event.tool.name}\u0000${stableStringify(event.tool.args)}`),
        resultFp: null,
        failed: false,
      });
      if (this.actions.length > this.capacity) this.actions.shift();
      return null;
    }
    if (event.kind === 'tool_result' && event.result) {
      const action = this.pendingFor(event.result.callId);
      if (!action) return null;
      const { ok, output = '', error = '', exitCode } = event.result;
      action.resultSeq = event.seq;
      action.failed = !ok || (exitCode !== undefined && exitCode !== 0);
      action.resultFp = fingerprint(
        `${action.failed}\u0000${exitCode ?? ''}\u0000${output}\u0000${error}`,
      );
      return { ...action, resultSeq: event.seq, output, error, exitCode: exitCode ?? null };
    }
    return null;
  }

  /** Completed actions, oldest first. */
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
