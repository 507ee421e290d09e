import { Inject, Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import {
  deterministicUuid,
  type DeadLetterDetail,
  type DeadLetterListQuery,
  type DeadLetterSummary,
  type PoisonMessageV1,
} from '@wink/contracts';
import { queryRows } from '@wink/persistence';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** The tenant a poison message belongs to, when its bytes say so (they may not even be JSON). */
export function tenantOf(value: Buffer): string | null {
  try {
    const tenantId = (JSON.parse(value.toString('utf8')) as { tenantId?: unknown }).tenantId;
    return typeof tenantId === 'string' && UUID.test(tenantId) ? tenantId : null;
  } catch {
    return null;
  }
}

/** Printable text for the error column: NUL cannot be stored in `text`. */
const storable = (text: string) => text.replace(/\u0000/g, '\\u0000');

interface Row {
  id: string;
  source_topic: string;
  partition: number;
  offset: string;
  message_key: string | null;
  failure: 'envelope' | 'handler';
  error: string;
  attempts: number;
  service: string;
  consumer_group: string;
  dead_at: Date;
  replayed_at: Date | null;
  replays: number;
  value?: Buffer;
}

const summary = (r: Row): DeadLetterSummary => ({
  id: r.id,
  sourceTopic: r.source_topic,
  partition: r.partition,
  offset: String(r.offset),
  key: r.message_key,
  failure: r.failure,
  error: r.error,
  attempts: r.attempts,
  service: r.service,
  consumerGroup: r.consumer_group,
  deadAt: r.dead_at.toISOString(),
  replayedAt: r.replayed_at?.toISOString() ?? null,
  replays: r.replays,
});

const COLUMNS = `id, source_topic, partition, "offset"::text AS "offset", message_key, failure, error,
                 attempts, service, consumer_group, dead_at, replayed_at, replays`;

/** Dead letters in Postgres: one row per message and consumer group, stored once. */
@Injectable()
export class DeadLetterStore {
  constructor(@Inject(DataSource) private readonly db: DataSource) {}

  async record(letters: PoisonMessageV1[]): Promise<void> {
    if (letters.length === 0) return;
    const values = letters.map((l) => Buffer.from(l.valueBase64, 'base64'));
    await this.db.query(
      `INSERT INTO dead_letters (id, tenant_id, source_topic, partition, "offset", message_key, value,
                                 failure, error, attempts, service, consumer_group, dead_at)
       SELECT * FROM unnest($1::uuid[], $2::uuid[], $3::text[], $4::int[], $5::bigint[], $6::text[],
                            $7::bytea[], $8::text[], $9::text[], $10::int[], $11::text[], $12::text[],
                            $13::timestamptz[])
       ON CONFLICT DO NOTHING`,
      [
        letters.map((l) =>
          deterministicUuid(l.sourceTopic, l.partition, l.offset, l.consumerGroup),
        ),
        values.map(tenantOf),
        letters.map((l) => l.sourceTopic),
        letters.map((l) => l.partition),
        letters.map((l) => l.offset),
        letters.map((l) => (l.key === null ? null : storable(l.key))),
        values,
        letters.map((l) => l.failure),
        letters.map((l) => storable(l.error)),
        letters.map((l) => l.attempts),
        letters.map((l) => l.service),
        letters.map((l) => l.consumerGroup),
        letters.map((l) => new Date(l.at).toISOString()),
      ],
    );
  }

  async list(tenantId: string, query: DeadLetterListQuery): Promise<DeadLetterSummary[]> {
    const rows = await queryRows<Row>(
      this.db,
      `SELECT ${COLUMNS} FROM dead_letters
        WHERE tenant_id = $1 AND ($2::text IS NULL OR source_topic = $2)
        ORDER BY dead_at DESC, id LIMIT $3`,
      [tenantId, query.topic ?? null, query.limit],
    );
    return rows.map(summary);
  }

  async get(tenantId: string, id: string): Promise<DeadLetterDetail | null> {
    const [row] = await queryRows<Row & { value: Buffer }>(
      this.db,
      `SELECT ${COLUMNS}, value FROM dead_letters WHERE tenant_id = $1 AND id = $2`,
      [tenantId, id],
    );
    if (!row) return null;
    const text = row.value.toString('utf8');
    return {
      ...summary(row),
      valueText: Buffer.from(text, 'utf8').equals(row.value) ? text : null,
      valueBase64: row.value.toString('base64'),
    };
  }

  async markReplayed(id: string): Promise<void> {
    await this.db.query(
      `UPDATE dead_letters SET replayed_at = now(), replays = replays + 1 WHERE id = $1`,
      [id],
    );
  }
}
