import { Inject, Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import {
  categoryOf,
  type DetectorPrecision,
  type SessionLabelRequest,
  type TrajectoryEvent,
  type VerdictLabelRequest,
} from '@wink/contracts';
import { seqOf } from '@wink/persistence';

/** A line of the labelled-session JSONL that `wink eval` reads. */
export interface LabelledSessionLine {
  sessionId: string;
  format: 'wink-events';
  events: TrajectoryEvent[];
  labels: Array<{ category: string; subtype?: string; step?: number }>;
}

/** Export pages: sessions per query, and events per query within a session. */
const EXPORT_SESSIONS_PAGE = 100;
const EXPORT_EVENTS_PAGE = 200;

@Injectable()
export class LabelsRepository {
  constructor(@Inject(DataSource) private readonly db: DataSource) {}

  /**
   * Labels one verdict of the tenant (null when it has no such verdict). The same person
   * labelling it again replaces their earlier judgement.
   */
  async labelVerdict(tenantId: string, verdictId: string, label: VerdictLabelRequest) {
    const [row]: Array<Record<string, unknown>> = await this.db.query(
      `INSERT INTO labels (tenant_id, session_id, verdict_id, judgement, category, subtype, note, labelled_by)
       SELECT v.tenant_id, v.session_id, v.verdict_id, $3, $4, $5, $6, $7
         FROM verdicts v WHERE v.tenant_id = $1 AND v.verdict_id = $2
       ON CONFLICT (tenant_id, verdict_id, labelled_by) WHERE verdict_id IS NOT NULL
       DO UPDATE SET judgement = EXCLUDED.judgement, category = EXCLUDED.category,
                     subtype = EXCLUDED.subtype, note = EXCLUDED.note, created_at = now()
       RETURNING label_id AS "labelId", session_id AS "sessionId", verdict_id AS "verdictId",
                 judgement, category, subtype, note, labelled_by AS "labelledBy", created_at AS "createdAt"`,
      [
        tenantId,
        verdictId,
        label.judgement,
        label.subtype ? categoryOf(label.subtype) : null,
        label.subtype ?? null,
        label.note ?? null,
        label.labelledBy,
      ],
    );
    return row ?? null;
  }

  /** Labels one session of the tenant (null when it has no such session). */
  async labelSession(tenantId: string, sessionId: string, label: SessionLabelRequest) {
    const [row]: Array<Record<string, unknown>> = await this.db.query(
      `INSERT INTO labels (tenant_id, session_id, judgement, category, subtype, step, note, labelled_by)
       SELECT s.tenant_id, s.session_id, $3, $4, $5, $6, $7, $8
         FROM sessions s WHERE s.tenant_id = $1 AND s.session_id = $2
       RETURNING label_id AS "labelId", session_id AS "sessionId", judgement, category, subtype,
                 step, note, labelled_by AS "labelledBy", created_at AS "createdAt"`,
      [
        tenantId,
        sessionId,
        label.judgement,
        label.category ?? (label.subtype ? categoryOf(label.subtype) : null),
        label.subtype ?? null,
        label.step ?? null,
        label.note ?? null,
        label.labelledBy,
      ],
    );
    return row ? { ...row, step: seqOf(row.step as string | null) } : null;
  }

  async ofSession(tenantId: string, sessionId: string) {
    const rows: Array<Record<string, unknown>> = await this.db.query(
      `SELECT label_id AS "labelId", verdict_id AS "verdictId", judgement, category, subtype, step,
              note, labelled_by AS "labelledBy", created_at AS "createdAt"
         FROM labels WHERE tenant_id = $1 AND session_id = $2 ORDER BY created_at`,
      [tenantId, sessionId],
    );
    return rows.map((r) => ({ ...r, step: seqOf(r.step as string | null) }));
  }

  /**
   * Each detector's precision on labelled verdicts: true positives over all labelled verdicts, a
   * verdict counted once by its latest label.
   */
  async precision(tenantId: string): Promise<DetectorPrecision[]> {
    const rows: Array<Omit<DetectorPrecision, 'precision'>> = await this.db.query(
      `WITH latest AS (
         SELECT DISTINCT ON (verdict_id) verdict_id, judgement FROM labels
          WHERE tenant_id = $1 AND verdict_id IS NOT NULL ORDER BY verdict_id, created_at DESC)
       SELECT v.detector, v.subtype, count(*)::int AS labelled,
              count(*) FILTER (WHERE l.judgement = 'true_positive')::int AS "truePositives",
              count(*) FILTER (WHERE l.judgement = 'false_positive')::int AS "falsePositives"
         FROM latest l JOIN verdicts v ON v.verdict_id = l.verdict_id AND v.tenant_id = $1
        GROUP BY v.detector, v.subtype ORDER BY v.detector, v.subtype`,
      [tenantId],
    );
    return rows.map((r) => ({ ...r, precision: r.truePositives / r.labelled }));
  }

  /**
   * Every labelled session of the tenant with its events and its labels as `wink eval` reads
   * them: a misbehaved-session label, a true-positive verdict (at its step), and the right
   * subtype given for a false positive. A session labelled only clean or false-positive has none.
   * Yields the JSONL in pieces: sessions and their events are read a page at a time, so a tenant's
   * whole history is never held in memory.
   */
  async *export(tenantId: string): AsyncGenerator<string> {
    let after = '';
    for (;;) {
      const sessions = await this.labelledSessions(tenantId, after, EXPORT_SESSIONS_PAGE);
      for (const s of sessions) {
        yield `{"sessionId":${JSON.stringify(s.session_id)},"format":"wink-events","events":[`;
        let afterSeq = -1;
        let first = true;
        for (;;) {
          const events: Array<{ payload: TrajectoryEvent }> = await this.db.query(
            `SELECT payload FROM events WHERE tenant_id = $1 AND session_id = $2 AND seq > $3
              ORDER BY seq LIMIT $4`,
            [tenantId, s.session_id, afterSeq, EXPORT_EVENTS_PAGE],
          );
          if (events.length > 0) {
            yield (first ? '' : ',') + events.map((e) => JSON.stringify(e.payload)).join(',');
            first = false;
            afterSeq = events.at(-1)!.payload.seq;
          }
          if (events.length < EXPORT_EVENTS_PAGE) break;
        }
        yield `],"labels":${JSON.stringify(s.labels)}}\n`;
      }
      if (sessions.length < EXPORT_SESSIONS_PAGE) return;
      after = sessions.at(-1)!.session_id;
    }
  }

  private labelledSessions(
    tenantId: string,
    after: string,
    limit: number,
  ): Promise<Array<{ session_id: string; labels: LabelledSessionLine['labels'] }>> {
    return this.db.query(
      `WITH latest AS (
         SELECT DISTINCT ON (coalesce(verdict_id::text, label_id::text)) *
           FROM labels WHERE tenant_id = $1
          ORDER BY coalesce(verdict_id::text, label_id::text), created_at DESC
       ), found AS (
         SELECT l.session_id, l.category, l.subtype, l.step FROM latest l
          WHERE l.verdict_id IS NULL AND l.judgement = 'misbehaved'
         UNION
         SELECT l.session_id, coalesce(l.category, v.category), coalesce(l.subtype, v.subtype), v.at_seq
           FROM latest l JOIN verdicts v ON v.verdict_id = l.verdict_id
          WHERE l.judgement = 'true_positive' OR l.subtype IS NOT NULL
       )
       SELECT l.session_id,
              coalesce((SELECT json_agg(json_strip_nulls(json_build_object(
                          'category', f.category, 'subtype', f.subtype, 'step', f.step))
                          ORDER BY f.step, f.subtype)
                          FROM found f WHERE f.session_id = l.session_id), '[]') AS labels
         FROM (SELECT DISTINCT session_id FROM latest) l
        WHERE l.session_id > $2 ORDER BY l.session_id LIMIT $3`,
      [tenantId, after, limit],
    );
  }
}
