import { Column, Entity, Index, PrimaryColumn } from 'typeorm';
import { SEQ_COLUMN } from './seq-column.js';

/** Guidance the intervention service decided on, with its delivery state. */
@Entity({ name: 'guidance' })
@Index('guidance_pending_idx', ['tenantId', 'sessionId', 'deliveredAt'])
@Index('guidance_cooldown_idx', ['tenantId', 'sessionId', 'subtype', 'signature', 'createdAt'])
export class GuidanceEntity {
  @PrimaryColumn({ name: 'intervention_id', type: 'uuid' })
  interventionId!: string;

  @Column({ name: 'tenant_id', type: 'uuid' })
  tenantId!: string;

  @Column({ name: 'session_id', type: 'text' })
  sessionId!: string;

  @Column({ name: 'verdict_ids', type: 'uuid', array: true })
  verdictIds!: string[];

  @Column({ type: 'text' })
  category!: string;

  @Column({ type: 'text' })
  subtype!: string;

  @Column({ type: 'text' })
  signature!: string;

  @Column({ type: 'text' })
  severity!: string;

  @Column({ type: 'text' })
  text!: string;

  @Column({ type: 'text' })
  cohort!: string;

  @Column({ name: 'at_seq', type: 'bigint', transformer: SEQ_COLUMN })
  atSeq!: number;

  @Column({ name: 'source_received_at', type: 'timestamptz' })
  sourceReceivedAt!: Date;

  @Column({ name: 'created_at', type: 'timestamptz' })
  createdAt!: Date;

  @Column({ name: 'delivered_at', type: 'timestamptz', nullable: true })
  deliveredAt!: Date | null;

  @Column({ name: 'acked_at', type: 'timestamptz', nullable: true })
  ackedAt!: Date | null;

  /** open, resolved (no recurrence within the next M steps after delivery) or recurred. */
  @Column({ type: 'text', default: 'open' })
  outcome!: string;

  @Column({ name: 'outcome_at', type: 'timestamptz', nullable: true })
  outcomeAt!: Date | null;

  /** The session's last step when the guidance was first delivered. */
  @Column({ name: 'delivered_seq', type: 'bigint', transformer: SEQ_COLUMN, nullable: true })
  deliveredSeq!: number | null;

  /** Whether it answered its misbehaviour for the first time (not a recurrence). */
  @Column({ type: 'boolean' })
  first!: boolean;
}
