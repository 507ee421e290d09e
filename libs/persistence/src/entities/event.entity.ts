import { Column, Entity, Index, PrimaryColumn } from 'typeorm';
import type { TrajectoryEvent } from '@wink/contracts';
import { SEQ_COLUMN } from './seq-column.js';

/**
 * Every accepted TrajectoryEvent; `event_id` is client-supplied, unique per tenant and event time
 * (the table is partitioned by `ts`, one partition a day, kept for the retention period).
 */
@Entity({ name: 'events' })
@Index('events_session_seq_idx', ['tenantId', 'sessionId', 'seq'])
export class EventEntity {
  @PrimaryColumn({ name: 'tenant_id', type: 'uuid' })
  tenantId!: string;

  @PrimaryColumn({ name: 'event_id', type: 'text' })
  eventId!: string;

  @Column({ name: 'session_id', type: 'text' })
  sessionId!: string;

  @Column({ type: 'bigint', transformer: SEQ_COLUMN })
  seq!: number;

  @Column({ type: 'text' })
  kind!: string;

  @PrimaryColumn({ type: 'timestamptz' })
  ts!: Date;

  @Column({ name: 'received_at', type: 'timestamptz' })
  receivedAt!: Date;

  @Column({ type: 'jsonb' })
  payload!: TrajectoryEvent;
}
