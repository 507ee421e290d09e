import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Which conversation (session) an OTLP trace belongs to, shared by every ingest instance: a trace's spans come
 * in several exports (its tool spans often before the span naming the conversation), and those
 * exports may land on different instances. Written when a trace's conversation is first seen,
 * read for a trace whose spans do not name one. `seen_at` lets old traces be pruned.
 */
export class OtlpTraceSessions1764711000000 implements MigrationInterface {
  name = 'OtlpTraceSessions1764711000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`CREATE TABLE otlp_trace_sessions (
      tenant_id uuid NOT NULL REFERENCES tenants (id) ON DELETE CASCADE,
      trace_id text NOT NULL,
      conversation_id text NOT NULL,
      seen_at timestamptz NOT NULL DEFAULT now(),
      PRIMARY KEY (tenant_id, trace_id))`);
    await q.query(`CREATE INDEX otlp_trace_sessions_seen_idx ON otlp_trace_sessions (seen_at)`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE otlp_trace_sessions`);
  }
}
