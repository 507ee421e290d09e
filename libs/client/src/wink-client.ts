import type { DeliveredGuidance, TrajectoryEvent } from '@wink/contracts';
import { readGuidanceStream } from './guidance-stream.js';

export interface WinkClientOptions {
  /** Where ingest listens, e.g. http://127.0.0.1:3000. */
  ingestUrl: string;
  /** Where guidance is served (the intervention service); defaults to `ingestUrl`. */
  guidanceUrl?: string;
  apiKey: string;
  timeoutMs?: number;
}

/** Guidance as Wink hands it to the host. */
export type Guidance = DeliveredGuidance;

export class WinkHttpError extends Error {
  constructor(
    readonly status: number,
    readonly body: unknown,
  ) {
    super(`Wink answered ${status}: ${JSON.stringify(body)}`);
  }
}

/** The HTTP API of Wink as an agent host uses it. */
export class WinkClient {
  private readonly guidanceUrl: string;

  constructor(private readonly options: WinkClientOptions) {
    this.guidanceUrl = options.guidanceUrl ?? options.ingestUrl;
  }

  /** Sends up to 1000 events; resolves with how many Wink accepted (all, or it throws). */
  async record(events: TrajectoryEvent[]): Promise<number> {
    const body = await this.call<{ accepted: number }>(
      'POST',
      `${this.options.ingestUrl}/v1/events`,
      { events },
    );
    return body.accepted;
  }

  /** Undelivered guidance for the session, waiting up to `waitMs` for some to arrive. */
  async guidance(sessionId: string, waitMs = 0): Promise<Guidance[]> {
    const url = `${this.guidanceUrl}/v1/sessions/${encodeURIComponent(sessionId)}/guidance?waitMs=${waitMs}`;
    const body = await this.call<{ guidance: Guidance[] }>('GET', url, undefined, waitMs);
    return body.guidance;
  }

  /** Registers the JSON schemas of an agent's tools, so malformed calls are caught before they run. */
  async registerTools(
    agentName: string,
    tools: Array<{ name: string; parameters: object }>,
  ): Promise<number> {
    const url = `${this.options.ingestUrl}/v1/agents/${encodeURIComponent(agentName)}/tools`;
    const body = await this.call<{ registered: number }>('PUT', url, { tools });
    return body.registered;
  }

  /** Overrides detector thresholds for this tenant (any subset; see the README). */
  async setThresholds(thresholds: Record<string, number>): Promise<Record<string, number>> {
    const url = `${this.options.ingestUrl}/v1/settings/detector-thresholds`;
    return (await this.call<{ thresholds: Record<string, number> }>('PUT', url, thresholds))
      .thresholds;
  }

  /** Sends a whole trajectory in another format (OpenAI messages, a Claude Code transcript…). */
  async importTrajectory(format: string, sessionId: string, data: unknown): Promise<number> {
    const body = await this.call<{ accepted: number }>(
      'POST',
      `${this.options.ingestUrl}/v1/trajectories`,
      {
        format,
        sessionId,
        data,
      },
    );
    return body.accepted;
  }

  /** Streams the session's guidance as it is issued (SSE) until `signal` aborts. */
  async streamGuidance(
    sessionId: string,
    onGuidance: (g: Guidance) => void,
    signal: AbortSignal,
  ): Promise<void> {
    const url = `${this.guidanceUrl}/v1/sessions/${encodeURIComponent(sessionId)}/guidance/stream`;
    const res = await fetch(url, {
      headers: { authorization: `Bearer ${this.options.apiKey}` },
      signal,
    });
    if (!res.ok || !res.body) throw new WinkHttpError(res.status, await res.text());
    try {
      await readGuidanceStream(res.body, onGuidance);
    } catch (error) {
      if (!signal.aborted) throw error;
    }
  }

  async ack(interventionId: string): Promise<void> {
    await this.call('POST', `${this.guidanceUrl}/v1/guidance/${interventionId}/ack`);
  }

  private async call<T>(method: string, url: string, body?: unknown, extraMs = 0): Promise<T> {
    const res = await fetch(url, {
      method,
      headers: {
        authorization: `Bearer ${this.options.apiKey}`,
        'content-type': 'application/json',
      },
      body: body === undefined ? undefined : JSON.stringify(body),
      signal: AbortSignal.timeout((this.options.timeoutMs ?? 10_000) + extraMs),
    });
    const text = await res.text();
    const parsed: unknown = text ? JSON.parse(text) : {};
    if (!res.ok) throw new WinkHttpError(res.status, parsed);
    return parsed as T;
  }
}
