import { fingerprint } from '../fingerprint.js';
import {
  findingsOf,
  reaches,
  type Detector,
  type DetectorInput,
  type Finding,
} from '../finding.js';
import { isWaitingCommand } from './polling.js';

const NAME = 'rules/repetitive-loop@2';
const CHUNK = 50;

const finding = findingsOf('reasoning_problem', 'repetitive_loop', NAME);

/** The most repeated ~50-character chunk of a reply, and how often it occurs. */
export function mostRepeatedChunk(text: string): { chunk: string; count: number } {
  const counts = new Map<string, number>();
  let best = { chunk: '', count: 0 };
  const limit = Math.min(text.length, 32_768);
  for (let i = 0; i + CHUNK <= limit; i += CHUNK) {
    const chunk = text.slice(i, i + CHUNK);
    if (!chunk.trim()) continue;
    const n = (counts.get(chunk) ?? 0) + 1;
    counts.set(chunk, n);
    if (n > best.count) best = { chunk, count: n };
  }
  // Aligned chunks miss a period that is not a divisor of 50; count the text's own period too.
  for (let period = 2; period <= 200 && period * 10 <= limit; period++) {
    const unit = text.slice(0, period);
    let reps = 1;
    while (text.startsWith(unit, reps * period) && reps * period < limit) reps++;
    const count = Math.floor((reps * period) / CHUNK);
    if (reps * period >= 10 * Math.max(CHUNK, period) && count > best.count)
      best = { chunk: unit, count };
  }
  return best;
}

/**
 * reasoning_problem/repetitive_loop: the same step again and again. Identical action and
 * identical result `identicalRepeats` times in a row; identical action failing `failingRepeats`
 * times in a row; an A/B alternation over the last 6 actions and results; the same assistant
 * message `repeatedMessages` times with no tool result between; `emptyReplies` empty replies in a
 * row; one ~50-character chunk repeated `chunkRepeats` times in a reply. Waiting and polling
 * commands get `pollingRepeats`, and a result that changes breaks the run, so polling stays quiet.
 */
export const repetitiveLoop: Detector = {
  name: NAME,
  detect({ window, step, thresholds }: DetectorInput): Finding[] {
    if (step.type === 'message' && step.role === 'assistant') {
      const m = window.message;
      if (m.empties > 0) {
        if (!reaches(m.empties, thresholds.emptyReplies)) return [];
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
      const { chunk, count } = mostRepeatedChunk(step.text);
      if (count >= thresholds.chunkRepeats) {
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
      return [];
    }
    if (step.type !== 'result' || !window.run) return [];
    const a = step.action;
    const run = window.run;
    const polling = isWaitingCommand(a.summary);
    const failing = polling ? thresholds.pollingRepeats : thresholds.failingRepeats;
    if (run.allFailed && reaches(run.sameAction, failing)) {
      const reason = `ran \`${a.summary}\` ${run.sameAction} times in a row and it failed each time`;
      return [finding(`loop:${a.actionFp}`, run.fromSeq, a.resultSeq, reason, 0.85)];
    }
    const identical = polling ? thresholds.pollingRepeats : thresholds.identicalRepeats;
    if (!run.allFailed && reaches(run.sameResult, identical)) {
      const reason = `ran \`${a.summary}\` ${run.sameResult} times in a row with the same result`;
      return [finding(`loop:${a.actionFp}`, run.sameResultFrom, a.resultSeq, reason, 0.9)];
    }
    return polling ? [] : alternation(window.completed(), a.resultSeq);
  },
};

/** A B A B A B over the last six completed actions, each with the same result as before. */
function alternation(
  done: ReturnType<DetectorInput['window']['completed']>,
  toSeq: number,
): Finding[] {
  if (done.length < 6) return [];
  const last = done.slice(-6);
  const [a, b] = last;
  if (a.actionFp === b.actionFp) return [];
  const ok = last.every((x, i) => {
    const model = i % 2 === 0 ? a : b;
    return x.actionFp === model.actionFp && x.resultFp === model.resultFp;
  });
  // Only fire on the step that completes the pattern, not on every later step of a longer one.
  const before = done.length >= 7 ? done[done.length - 7] : null;
  if (!ok || (before && before.actionFp === b.actionFp && before.resultFp === b.resultFp))
    return [];
  const pair = [a.actionFp, b.actionFp].sort().join(':');
  return [
    finding(
      `loop:alternate:${pair}`,
      last[0].callSeq,
      toSeq,
      `alternated between \`${a.summary}\` and \`${b.summary}\` three times with the same results`,
      0.8,
    ),
  ];
}
