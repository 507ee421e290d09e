import type { TrajectoryEvent } from '@wink/contracts';
import { redactSecrets } from '@wink/redaction';

const LINE_MAX = 600;

function line(e: TrajectoryEvent): string | null {
  const clip = (t: string) =>
    (t.length > LINE_MAX ? `${t.slice(0, LINE_MAX)}…` : t).replace(/\s+/g, ' ');
  switch (e.kind) {
    case 'message':
      return `[${e.seq}] ${e.role ?? 'assistant'}: ${clip(e.text ?? '')}`;
    case 'tool_call':
      return `[${e.seq}] call ${e.tool?.name}(${clip(JSON.stringify(e.tool?.args ?? {}))})`;
    case 'tool_result': {
      const r = e.result!;
      const status = r.ok
        ? 'ok'
        : `failed${r.exitCode !== undefined ? ` (exit ${r.exitCode})` : ''}`;
      return `[${e.seq}] result ${status}: ${clip([r.error, r.output].filter(Boolean).join(' | '))}`;
    }
    case 'session_end':
      return `[${e.seq}] session ended: ${clip(e.text ?? '')}`;
    default:
      return null;
  }
}

const REMINDER_LINES = 8;
const REMINDER_MAX = 100;

/**
 * What the judge sees of a session: the task, and the recent steps rendered as short lines —
 * secrets masked before anything is kept. Bounded: the last `capacity` lines.
 */
export class JudgeTranscript {
  task = '';
  private readonly lines: string[] = [];
  stepsSinceJudged = 0;
  /** Lines added since the judge last read the transcript. */
  private unread = 0;

  constructor(private readonly capacity = 40) {}

  push(event: TrajectoryEvent): void {
    if (event.kind === 'task') {
      this.task = redactSecrets(event.text ?? '');
      return;
    }
    const rendered = line(event);
    if (!rendered) return;
    this.lines.push(redactSecrets(rendered));
    if (this.lines.length > this.capacity) this.lines.shift();
    this.unread = Math.min(this.unread + 1, this.lines.length);
    if (event.kind === 'tool_result' || event.kind === 'message') this.stepsSinceJudged++;
  }

  /** The judge has read everything so far: later renders show it only as a reminder. */
  markRead(): void {
    this.unread = 0;
  }

  /**
   * The steps within `budgetTokens` (about 4 characters a token): those the judge has not read,
   * newest first, in full; then, as a reminder, a few it has already judged, shortened. What is
   * cut is marked.
   */
  render(budgetTokens: number): string {
    const budget = budgetTokens * 4;
    const kept: string[] = [];
    let used = 0;
    const first = this.lines.length - this.unread;
    let i = this.lines.length - 1;
    for (; i >= first; i--) {
      if (used + this.lines[i].length + 1 > budget) break;
      kept.unshift(this.lines[i]);
      used += this.lines[i].length + 1;
    }
    if (i < first && i >= 0) {
      if (kept.length) kept.unshift('[… already reviewed above, new below …]');
      for (let r = 0; i >= 0 && r < REMINDER_LINES; i--, r++) {
        const l = this.lines[i];
        const short = l.length > REMINDER_MAX ? `${l.slice(0, REMINDER_MAX)}…` : l;
        if (used + short.length + 1 > budget) break;
        kept.unshift(short);
        used += short.length + 1;
      }
    }
    if (i >= 0) kept.unshift(`[… ${i + 1} earlier step(s) truncated …]`);
    return kept.join('\n');
  }
}
