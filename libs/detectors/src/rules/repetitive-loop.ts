import { fingerprint } from '../fingerprint.js';
import {
  NO_FINDINGS,
  findingsOf,
  reaches,
  type Detector,
  type DetectorInput,
  type Finding,
} from '../finding.js';
import { MAX_PERIOD } from '../session-window.js';
import { cycleEndingNow, stepList } from './cycles.js';

const NAME = 'rules/repetitive-loop@4';
const CHUNK = 50;

const finding = findingsOf('reasoning_problem', 'repetitive_loop', NAME);

/**
 * The most repeated ~50-character chunk of a reply and how often it occurs, when that is at
 * least `atLeast` times; else null.
 */
export function repeatedChunk(
  text: string,
  atLeast: number,
): { chunk: string; count: number } | null {
  let best = { chunk: '', count: 0 };
  const limit = Math.min(text.length, 32_768);
  if (alignedStartsRepeat(text, limit, atLeast)) {
    const counts = new Map<string, number>();
    for (let i = 0; i + CHUNK <= limit; i += CHUNK) {
      const chunk = text.slice(i, i + CHUNK);
      if (!chunk.trim()) continue;
      const n = (counts.get(chunk) ?? 0) + 1;
      counts.set(chunk, n);
      if (n > best.count) best = { chunk, count: n };
    }
  }
  // Aligned chunks miss a period that is not a divisor of 50; count the text's own period too.
  for (let period = 2; period <= 200 && period * 10 <= limit; period++) {
    // Not even one repeat: too short a run to count.
    if (text.charCodeAt(period) !== text.charCodeAt(0)) continue;
    const unit = text.slice(0, period);
    let reps = 1;
    while (text.startsWith(unit, reps * period) && reps * period < limit) reps++;
    const count = Math.floor((reps * period) / CHUNK);
    if (reps * period >= 10 * Math.max(CHUNK, period) && count > best.count)
      best = { chunk: unit, count };
  }
  return best.count >= atLeast ? best : null;
}

/**
 * Whether the first two characters of `atLeast` aligned chunks are the same: as many chunks are
 * the same only then, and their starts are counted without cutting a chunk out.
 */
function alignedStartsRepeat(text: string, limit: number, atLeast: number): boolean {
  const starts = new Map<number, number>();
  for (let i = 0; i + CHUNK <= limit; i += CHUNK) {
    const start = text.charCodeAt(i) * 65536 + text.charCodeAt(i + 1);
    const n = (starts.get(start) ?? 0) + 1;
    if (n >= atLeast) return true;
    starts.set(start, n);
  }
  return false;
}

/** `cmd` for a reason: one line, short. */
export function quoted(summary: string): string {
  return `\`${summary.slice(0, 80)}\``;
}

/**
 * reasoning_problem/repetitive_loop: the same step again and again with nothing new. A cycle of
 * period 1–4 over similar actions (normalised: paths, numbers, hashes, timestamps, quoting) whose
 * results do not change — `identicalRepeats` times for one succeeding action (`failingRepeats`
 * when each result rejected the step and asked for a change), three times for a
 * longer cycle; the same failing test run re-run unchanged `failingRepeats` times (other repeated
 * failures are `repeated_tool_error`'s); the same assistant message `repeatedMessages` times with
 * no tool result between, or a message restating the previous plan that often with nothing new
 * between; a call whose result was already seen, with no edit or user message since,
 * `redundantReads` times (coming back to it, not back to back); `emptyReplies` empty replies; one ~50-character chunk `chunkRepeats` times in a reply;
 * the same lines patched again right after a patch of them went through (`rewrites.ts`).
 * Waiting and polling commands get `pollingRepeats`, and a result that changes breaks a cycle.
 */
export const repetitiveLoop: Detector = {
  name: NAME,
  stepTypes: ['message', 'result'],
  detect({ window, step, thresholds }: DetectorInput): readonly Finding[] {
    if (step.type === 'message' && step.role === 'assistant')
      return messageLoops(window, step, thresholds);
    if (step.type !== 'result') return NO_FINDINGS;
    const a = step.action;
    const cycle = cycleEndingNow(window, thresholds);
    if (!cycle || (cycle.failing && !cycle.tests)) {
      const rewrite = rewrittenPatch(window, a.resultSeq);
      return rewrite.length > 0 ? rewrite : redundantLook(window, a, thresholds);
    }
    const what =
      cycle.period === 1
        ? `ran ${quoted(cycle.summaries[0] ?? a.summary)} ${cycle.repeats} times in a row`
        : `repeated the same ${cycle.period} steps (${cycle.summaries.map(quoted).join(' → ')}) ${cycle.repeats} times`;
    const outcome = cycle.failing
      ? `and it failed the same way each time (${stepList(cycle.steps)}), with no edit in between`
      : cycle.rejected
        ? `and was told each time to change it (${stepList(cycle.steps)}): "${window.lastRejection}"`
        : `with the same result each time (${stepList(cycle.steps)})`;
    return [
      finding(
        `loop:${cycle.period}:${a.actionFp}`,
        cycle.steps[0],
        a.resultSeq,
        `${what} ${outcome}`,
        cycle.period === 1 ? 0.9 : 0.8,
        cycle.steps,
      ),
    ];
  },
};

/** The same lines patched again right after a patch of them went through (`rewrites.ts`). */
function rewrittenPatch(window: DetectorInput['window'], resultSeq: number): readonly Finding[] {
  const r = window.rewrites?.found;
  if (!r) return NO_FINDINGS;
  const [first, again] = r.steps;
  return [
    finding(
      `loop:rewrite:${r.path}`,
      first,
      resultSeq,
      `patched the same lines of \`${r.path}\` again at step ${again}, right after its patch of them at step ${first} went through, with nothing run or read in between: find out whether the first patch worked, and why not, before writing it again`,
      0.7,
      [first, again],
    ),
  ];
}

/** A call whose result was already seen, with no edit or user message since: nothing new. */
function redundantLook(
  window: DetectorInput['window'],
  a: Extract<DetectorInput['step'], { type: 'result' }>['action'],
  thresholds: DetectorInput['thresholds'],
): readonly Finding[] {
  const seen = window.redundancy;
  if (!seen || inCycle(window) || !reaches(seen.count, thresholds.redundantReads))
    return NO_FINDINGS;
  return [
    finding(
      `loop:look:${a.actionFp}`,
      seen.steps[0],
      a.resultSeq,
      `ran ${quoted(seen.summary)} ${seen.count} times (first at step ${seen.steps[0]}, now at step ${seen.steps[1]}) and got back what it had already seen, with no edit in between`,
      0.7,
      seen.steps,
    ),
  ];
}

/** A step that repeats one 1–4 steps before it, a full period long, is a cycle's to report. */
function inCycle(window: DetectorInput['window']): boolean {
  for (let p = 1; p <= MAX_PERIOD; p++) if (window.periodStreak(p) >= p) return true;
  return false;
}

function messageLoops(
  window: DetectorInput['window'],
  step: Extract<DetectorInput['step'], { type: 'message' }>,
  thresholds: DetectorInput['thresholds'],
): readonly Finding[] {
  const m = window.message;
  if (m.empties > 0) {
    if (!reaches(m.empties, thresholds.emptyReplies)) return NO_FINDINGS;
    return [
      finding(
        'loop:empty-replies',
        m.emptyFrom,
        step.seq,
        `gave ${m.empties} empty replies in a row`,
        0.85,
      ),
    ];
  }
  if (reaches(m.repeats, thresholds.repeatedMessages)) {
    return [
      finding(
        `loop:message:${m.lastFp}`,
        m.fromSeq,
        step.seq,
        `wrote the same message ${m.repeats} times with no tool result in between`,
        0.85,
      ),
    ];
  }
  const r = window.restatement;
  if (r.withResults && reaches(r.count, thresholds.repeatedMessages)) {
    return [
      finding(
        `loop:restated:${r.fromSeq}`,
        r.fromSeq,
        step.seq,
        `restated the same plan ${r.count} times (messages from step ${r.fromSeq} to ${step.seq}) while its tool calls brought nothing new`,
        0.75,
      ),
    ];
  }
  // No chunk occurs more often than the reply has room for: a short one is not read.
  if (step.text.length < thresholds.chunkRepeats * CHUNK) return NO_FINDINGS;
  const repeated = repeatedChunk(step.text, thresholds.chunkRepeats);
  if (repeated) {
    const { chunk, count } = repeated;
    const shown = chunk.replace(/\s+/g, ' ').trim().slice(0, 40);
    return [
      finding(
        `loop:chunk:${fingerprint(chunk)}`,
        step.seq,
        step.seq,
        `repeated "${shown}" ${count} times in one reply`,
        0.8,
      ),
    ];
  }
  return NO_FINDINGS;
}
