import { randomUUID } from 'node:crypto';
import type { TrajectoryEvent } from '@wink/contracts';
import { StepRecorder, type StepRecorderOptions } from './step-recorder.js';
import type { Guidance, WinkClient } from './wink-client.js';

type Body = Omit<TrajectoryEvent, 'eventId' | 'sessionId' | 'seq' | 'ts' | 'agent'>;

/**
 * One agent run as Wink sees it: numbers the steps, records them in the background, and hands
 * back any guidance for the agent's next turn.
 */
export class AgentSession {
  private seq = 0;
  readonly recorder: StepRecorder;

  constructor(
    private readonly client: WinkClient,
    readonly sessionId: string,
    private readonly agent: TrajectoryEvent['agent'],
    private readonly env?: TrajectoryEvent['env'],
    options?: StepRecorderOptions,
  ) {
    this.recorder = new StepRecorder(client, options);
  }

  get nextSeq(): number {
    return this.seq;
  }

  step(body: Body): TrajectoryEvent {
    const event = {
      eventId: `${this.sessionId}-${this.seq}`,
      sessionId: this.sessionId,
      seq: this.seq++,
      ts: new Date().toISOString(),
      agent: this.agent,
      ...(this.env ? { env: this.env } : {}),
      ...body,
    } as TrajectoryEvent;
    this.recorder.record(event);
    return event;
  }

  task(text: string): TrajectoryEvent {
    return this.step({ kind: 'task', role: 'user', text });
  }

  say(text: string): TrajectoryEvent {
    return this.step({ kind: 'message', role: 'assistant', text });
  }

  toolCall(name: string, args: unknown, callId: string = randomUUID()): string {
    this.step({ kind: 'tool_call', role: 'assistant', tool: { name, args, callId } });
    return callId;
  }

  toolResult(
    callId: string,
    result: { ok: boolean; output?: string; error?: string; exitCode?: number },
  ): void {
    this.step({ kind: 'tool_result', role: 'tool', result: { callId, ...result } });
  }

  /**
   * Guidance waiting for this session (after sending what is buffered), acknowledged on receipt.
   * Returns [] rather than failing when Wink cannot be reached.
   */
  async guidance(waitMs = 0): Promise<Guidance[]> {
    try {
      await this.recorder.flush();
      const guidance = await this.client.guidance(this.sessionId, waitMs);
      await Promise.all(guidance.map((g) => this.client.ack(g.interventionId)));
      return guidance;
    } catch {
      return [];
    }
  }

  end(text = 'completed'): Promise<void> {
    this.step({ kind: 'session_end', role: 'system', text });
    return this.recorder.close();
  }
}
