import { Inject, Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import type { TrajectoryEvent } from '@wink/contracts';
import { seqOf } from '@wink/persistence';
import { summariseStep } from './step-summary.js';

/** Most steps one timeline page returns; a longer session's timeline says where to go on. */
export const TIMELINE_STEPS = 2000;
/** Most stored-event bytes one page reads (a page always has at least one step). */
export const TIMELINE_PAGE_BYTES = 4 * 1024 * 1024;
/** Most verdicts, guidance and labels a timeline lists. */
const TIMELINE_ITEMS = 1000;

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

  /**
   * One session, step by step, with its verdicts, guidance (deliveries, acks, outcome) and
   * labels. Steps come a page at a time after `afterSeq`, bounded by count and by bytes read;
   * `nextAfterSeq` continues a cut page.
   */
  async timeline(tenantId: string, sessionId: string, afterSeq = -1, limit = TIMELINE_STEPS) {
    const params = [tenantId, sessionId];
    const [session]: Array<Record<string, unknown>> = await this.db.query(
      `SELECT agent_name, model, env, first_seen_at, last_seen_at, last_seq, event_count,
              tool_calls, tool_failures, tokens, human_interventions
         FROM sessions WHERE tenant_id = $1 AND session_id = $2`,
      params,
    );
    // The running byte total before a row decides whether it still fits the page.
    const events: Array<{ payload: TrajectoryEvent }> = await this.db.query(
      `SELECT payload FROM (
         SELECT payload, seq, sum(octet_length(payload::text)) OVER (ORDER BY seq) - octet_length(payload::text) AS before
           FROM (SELECT payload, seq FROM events WHERE tenant_id = $1 AND session_id = $2 AND seq > $3
                  ORDER BY seq LIMIT $4) page
       ) sized WHERE before < $5 ORDER BY seq`,
      [...params, afterSeq, limit + 1, TIMELINE_PAGE_BYTES],
    );
    const steps = events.slice(0, limit);
    // More steps: the page was full by count, or it stopped at the byte bound.
    const more =
      events.length > limit ||
      (steps.length > 0 &&
        (await this.hasStepAfter(tenantId, sessionId, steps.at(-1)!.payload.seq)));
    const verdicts: Array<Record<string, unknown>> = await this.db.query(
      `SELECT verdict_id AS "verdictId", category, subtype, confidence, detector, at_seq AS "atSeq",
              from_seq AS "fromSeq", to_seq AS "toSeq", reason, created_at AS "createdAt"
         FROM verdicts WHERE tenant_id = $1 AND session_id = $2 ORDER BY at_seq, created_at LIMIT $3`,
      [...params, TIMELINE_ITEMS],
    );
    const guidance: Array<Record<string, unknown>> = await this.db.query(
      `SELECT g.intervention_id AS "interventionId", g.verdict_ids AS "verdictIds", g.subtype,
              g.severity, g.text, g.cohort, g.at_seq AS "atSeq", g.created_at AS "createdAt",
              g.delivered_at AS "deliveredAt", g.delivered_seq AS "deliveredSeq",
              g.acked_at AS "acknowledgedAt", g.outcome, g.outcome_at AS "outcomeAt",
              coalesce((SELECT json_agg(json_build_object('channel', d.channel, 'status', d.status,
                                 'attempts', d.attempts, 'deliveredAt', d.delivered_at) ORDER BY d.channel)
                          FROM deliveries d WHERE d.intervention_id = g.intervention_id), '[]') AS deliveries
         FROM guidance g WHERE g.tenant_id = $1 AND g.session_id = $2 ORDER BY g.created_at LIMIT $3`,
      [...params, TIMELINE_ITEMS],
    );
    const labels: Array<Record<string, unknown>> = await this.db.query(
      `SELECT label_id AS "labelId", verdict_id AS "verdictId", judgement, category, subtype, step,
              note, labelled_by AS "labelledBy", created_at AS "createdAt"
         FROM labels WHERE tenant_id = $1 AND session_id = $2 ORDER BY created_at LIMIT $3`,
      [...params, TIMELINE_ITEMS],
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
            lastSeq: seqOf(session.last_seq as string),
            steps: session.event_count,
            toolCalls: session.tool_calls,
            toolFailures: session.tool_failures,
            tokens: Number(session.tokens),
            humanInterventions: session.human_interventions,
          }
        : null,
      steps: steps.map(({ payload: e }) => ({
        seq: e.seq,
        kind: e.kind,
        ts: e.ts,
        summary: summariseStep(e),
      })),
      truncated: more,
      nextAfterSeq: more ? steps.at(-1)!.payload.seq : null,
      verdicts: verdicts.map((v) => ({
        ...v,
        atSeq: seqOf(v.atSeq as string),
        fromSeq: seqOf(v.fromSeq as string),
        toSeq: seqOf(v.toSeq as string),
      })),
      guidance: guidance.map((g) => ({
        ...g,
        atSeq: seqOf(g.atSeq as string),
        deliveredSeq: seqOf(g.deliveredSeq as string | null),
      })),
      labels: labels.map((l) => ({ ...l, step: seqOf(l.step as string | null) })),
      outcome: { interventions: guidance.length, ...outcomes },
    };
  }

  private async hasStepAfter(tenantId: string, sessionId: string, seq: number): Promise<boolean> {
    const [row] = await this.db.query(
      `SELECT EXISTS (SELECT 1 FROM events WHERE tenant_id = $1 AND session_id = $2 AND seq > $3) AS found`,
      [tenantId, sessionId, seq],
    );
    return row.found;
  }
}
