import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Messages consumers set aside (one row per message and consumer group), kept for operators to
 * list, inspect and replay after a fix. `tenant_id` is read from the message when it has one.
 */
export class DeadLetters1764610000000 implements MigrationInterface {
  name = 'DeadLetters1764610000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`CREATE TABLE dead_letters (
      id uuid PRIMARY KEY,
      tenant_id uuid,
      source_topic text NOT NULL,
      partition int NOT NULL,
      "offset" bigint NOT NULL,
      message_key text,
      value bytea NOT NULL,
      failure text NOT NULL,
      error text NOT NULL,
      attempts int NOT NULL,
      service text NOT NULL,
      consumer_group text NOT NULL,
      dead_at timestamptz NOT NULL,
      replayed_at timestamptz,
      replays int NOT NULL DEFAULT 0)`);
    await q.query(
      `CREATE INDEX dead_letters_tenant_time ON dead_letters (tenant_id, dead_at DESC)`,
    );
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE dead_letters`);
  }
}
