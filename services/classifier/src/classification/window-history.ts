import { Inject, Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import type { TrajectoryEvent } from '@wink/contracts';

export interface HistoryRequest {
  sessionId: string;
  beforeSeq: number;
}

/** Reads a session's task and recent events back from Postgres to rebuild a window after a restart. */
@Injectable()
export class WindowHistory {
  constructor(@Inject(DataSource) private readonly db: DataSource) {}

  async recent(
    tenantId: string,
    requests: HistoryRequest[],
    limit: number,
  ): Promise<Map<string, TrajectoryEvent[]>> {
    const rows: Array<{ session_id: string; payload: TrajectoryEvent }> = await this.db.query(
      `SELECT e.session_id, e.payload
         FROM unnest($2::text[], $3::bigint[]) AS s(session_id, before_seq)
         CROSS JOIN LATERAL (
           (SELECT session_id, seq, payload FROM events
             WHERE tenant_id = $1 AND session_id = s.session_id AND seq < s.before_seq
             ORDER BY seq DESC LIMIT $4)
           UNION
           (SELECT session_id, seq, payload FROM events
             WHERE tenant_id = $1 AND session_id = s.session_id AND seq < s.before_seq AND kind = 'task'
             ORDER BY seq LIMIT 1)) e
        ORDER BY e.session_id, e.seq`,
      [tenantId, requests.map((r) => r.sessionId), requests.map((r) => r.beforeSeq), limit],
    );
    const bySession = new Map<string, TrajectoryEvent[]>();
    for (const row of rows) {
      const list = bySession.get(row.session_id) ?? [];
      list.push(row.payload);
      bySession.set(row.session_id, list);
    }
    return bySession;
  }
}
