import { Inject, Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import type { TrajectoryEvent } from '@wink/contracts';
import { summariseStep } from './step-summary.js';

/** Most steps a timeline returns; a longer session's timeline says it was cut. */
const TIMELINE_STEPS = 2000;

export interface RecentSession {
  sessionId: string;
  agent: string;
  model: string | null;
  env: string | null;
  firstSeenAt: string;
  lastSeenAt: string;
  steps: number;
  toolFailures: number;
  tokens: number;
  humanInterventions: number;
  subtypes: string[];
  guidance: number;
}

@Injectable()
export class SessionsRepository {
  constructor(@Inject(DataSource) private readonly db: DataSource) {}

  /** The tenant's most recently active sessions, with what was found and answered in each. */
  async recent(tenantId: string, limit: number, flagged?: boolean): Promise<RecentSession[]> {
    const rows: Array<Record<string, unknown>> = await this.db.query(
      `SELECT s.session_id, s.agent_name, s.model, s.env, s.first_seen_at, s.last_seen_at,
              s.event_count, s.tool_failures, s.tokens, s.human_interventions,
              coalesce(m.subtypes, '{}') AS subtypes, g.n AS guidance
         FROM sessions s
         LEFT JOIN LATERAL (SELECT array_agg(subtype ORDER BY first_at_seq) AS subtypes
                              FROM session_misbehaviours m
                             WHERE m.tenant_id = s.tenant_id AND m.session_id = s.session_id) m ON true
         LEFT JOIN LATERAL (SELECT count(*)::int AS n FROM guidance g
                             WHERE g.tenant_id = s.tenant_id AND g.session_id = s.session_id) g ON true
        WHERE s.tenant_id = $1 AND ($3::boolean IS NULL OR (m.subtypes IS NOT NULL) = $3)
        ORDER BY s.last_seen_at DESC LIMIT $2`,
      [tenantId, limit, flagged ?? null],
    );
    return rows.map((r) => ({
      sessionId: String(r.session_id),
      agent: String(r.agent_name),
      model: (r.model as string | null) ?? null,
      env: (r.env as string | null) ?? null,
      firstSeenAt: (r.first_seen_at as Date).toISOString(),
      lastSeenAt: (r.last_seen_at as Date).toISOString(),
      steps: Number(r.event_count),
      toolFailures: Number(r.tool_failures),
      tokens: Number(r.tokens),
      humanInterventions: Number(r.human_interventions),
      subtypes: r.subtypes as string[],
      guidance: Number(r.guidance),
    }));
  }

  /** Whether the tenant has this session (events, or verdicts not yet joined by their events). */
  async exists(tenantId: string, sessionId: string): Promise<boolean> {
    const [row]: Array<{ found: boolean }> = await this.db.query(
      `SELECT EXISTS (SELECT 1 FROM sessions WHERE tenant_id = $1 AND session_id = $2)
           OR EXISTS (SELECT 1 FROM verdicts WHERE tenant_id = $1 AND session_id = $2) AS found`,
      [tenantId, sessionId],
    );
    return row.found;
  }

  /** One session, step by step, with its verdicts, guidance (deliveries, acks, outcome) and labels. */
  async timeline(tenantId: string, sessionId: string) {
    const params = [tenantId, sessionId];
    const [session]: Array<Record<string, unknown>> = await this.db.query(
      `SELECT agent_name, model, env, first_seen_at, last_seen_at, last_seq, event_count,
              tool_calls, tool_failures, tokens, human_interventions
         FROM sessions WHERE tenant_id = $1 AND session_id = $2`,
      params,
    );
    const events: Array<{ payload: TrajectoryEvent }> = await this.db.query(
      `SELECT payload FROM events WHERE tenant_id = $1 AND session_id = $2 ORDER BY seq LIMIT $3`,
      [...params, TIMELINE_STEPS + 1],
    );
    const verdicts: Array<Record<string, unknown>> = await this.db.query(
      `SELECT verdict_id AS "verdictId", category, subtype, confidence, detector, at_seq AS "atSeq",
              from_seq AS "fromSeq", to_seq AS "toSeq", reason, created_at AS "createdAt"
         FROM verdicts WHERE tenant_id = $1 AND session_id = $2 ORDER BY at_seq, created_at`,
      params,
    );
    const guidance: Array<Record<string, unknown>> = await this.db.query(
      `SELECT g.intervention_id AS "interventionId", g.verdict_ids AS "verdictIds", g.subtype,
              g.severity, g.text, g.cohort, g.at_seq AS "atSeq", g.created_at AS "createdAt",
              g.delivered_at AS "deliveredAt", g.delivered_seq AS "deliveredSeq",
              g.acked_at AS "acknowledgedAt", g.outcome, g.outcome_at AS "outcomeAt",
              coalesce((SELECT json_agg(json_build_object('channel', d.channel, 'status', d.status,
                                 'attempts', d.attempts, 'deliveredAt', d.delivered_at) ORDER BY d.channel)
                          FROM deliveries d WHERE d.intervention_id = g.intervention_id), '[]') AS deliveries
         FROM guidance g WHERE g.tenant_id = $1 AND g.session_id = $2 ORDER BY g.created_at`,
      params,
    );
    const labels: Array<Record<string, unknown>> = await this.db.query(
      `SELECT label_id AS "labelId", verdict_id AS "verdictId", judgement, category, subtype, step,
              note, labelled_by AS "labelledBy", created_at AS "createdAt"
         FROM labels WHERE tenant_id = $1 AND session_id = $2 ORDER BY created_at`,
      params,
    );
    const outcomes = { resolved: 0, recurred: 0, open: 0 };
    for (const g of guidance) outcomes[g.outcome as keyof typeof outcomes] += 1;
    return {
      sessionId,
      session: session
        ? {
            agent: session.agent_name,
            model: session.model,
            env: session.env,
            firstSeenAt: session.first_seen_at,
            lastSeenAt: session.last_seen_at,
            lastSeq: session.last_seq,
            steps: session.event_count,
            toolCalls: session.tool_calls,
            toolFailures: session.tool_failures,
            tokens: Number(session.tokens),
            humanInterventions: session.human_interventions,
          }
        : null,
      steps: events.slice(0, TIMELINE_STEPS).map(({ payload: e }) => ({
        seq: e.seq,
        kind: e.kind,
        ts: e.ts,
        summary: summariseStep(e),
      })),
      truncated: events.length > TIMELINE_STEPS,
      verdicts,
      guidance,
      labels,
      outcome: { interventions: guidance.length, ...outcomes },
    };
  }
}
