import { readFileSync } from 'node:fs';
import type { TrajectoryEvent } from '@wink/contracts';

/** Builds a realistic session's events step by step, for detector fixtures. */
export class SessionBuilder {
  readonly events: TrajectoryEvent[] = [];
  private callCount = 0;

  constructor(
    private readonly sessionId = 'fixture',
    private readonly env?: TrajectoryEvent['env'],
  ) {}

  /** Any event, for shapes the helpers below do not cover. */
  add(partial: Partial<TrajectoryEvent> & Pick<TrajectoryEvent, 'kind'>): this {
    const seq = this.events.length;
    this.events.push({
      eventId: `${this.sessionId}-${seq}`,
      sessionId: this.sessionId,
      seq,
      ts: new Date(Date.UTC(2026, 10, 20, 14, 0, seq)).toISOString(),
      agent: { name: 'fixture-agent', model: 'fixture-model' },
      ...(this.env ? { env: this.env } : {}),
      ...partial,
    });
    return this;
  }

  task(text: string): this {
    return this.add({ kind: 'task', role: 'user', text });
  }

  say(text: string): this {
    return this.add({ kind: 'message', role: 'assistant', text });
  }

  user(text: string): this {
    return this.add({ kind: 'message', role: 'user', text });
  }

  system(text: string): this {
    return this.add({ kind: 'message', role: 'system', text });
  }

  usage(inputTokens: number, outputTokens: number): this {
    return this.add({ kind: 'usage', usage: { inputTokens, outputTokens } });
  }

  end(text = 'completed'): this {
    return this.add({ kind: 'session_end', role: 'system', text });
  }

  /** A tool call whose result has not arrived (what a pre-execution hook reports). */
  call(name: string, args: unknown): this {
    return this.add({
      kind: 'tool_call',
      role: 'assistant',
      tool: { name, args, callId: `call-${++this.callCount}` },
    });
  }

  /** A tool call and its result. */
  tool(
    name: string,
    args: unknown,
    result: { ok?: boolean; output?: string; error?: string; exitCode?: number } = {},
  ): this {
    const callId = `call-${++this.callCount}`;
    this.add({ kind: 'tool_call', role: 'assistant', tool: { name, args, callId } });
    const ok = result.ok ?? (result.exitCode === undefined || result.exitCode === 0);
    return this.add({ kind: 'tool_result', role: 'tool', result: { callId, ok, ...result } });
  }

  bash(
    command: string,
    result: { ok?: boolean; output?: string; error?: string; exitCode?: number } = {},
  ): this {
    return this.tool('Bash', { command }, result);
  }
}

/** Reads a JSONL file of TrajectoryEvents, e.g. the bundled samples. */
export function readEventsFile(path: string): TrajectoryEvent[] {
  return readFileSync(path, 'utf8')
    .split('\n')
    .filter((line) => line.trim())
    .map((line) => JSON.parse(line) as TrajectoryEvent);
}
