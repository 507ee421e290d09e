import { Column, Entity, PrimaryColumn } from 'typeorm';
import { SEQ_COLUMN } from './seq-column.js';

/** A person's judgement of a session (`misbehaved` / `clean`) or of a verdict (true / false positive). */
@Entity({ name: 'labels' })
export class LabelEntity {
  @PrimaryColumn({ name: 'label_id', type: 'uuid' })
  labelId!: string;

  @Column({ name: 'tenant_id', type: 'uuid' })
  tenantId!: string;

  @Column({ name: 'session_id', type: 'text' })
  sessionId!: string;

  @Column({ name: 'verdict_id', type: 'uuid', nullable: true })
  verdictId!: string | null;

  @Column({ type: 'text' })
  judgement!: string;

  @Column({ type: 'text', nullable: true })
  category!: string | null;

  @Column({ type: 'text', nullable: true })
  subtype!: string | null;

  @Column({ type: 'bigint', transformer: SEQ_COLUMN, nullable: true })
  step!: number | null;

  @Column({ type: 'text', nullable: true })
  note!: string | null;

  @Column({ name: 'labelled_by', type: 'text' })
  labelledBy!: string;

  @Column({ name: 'created_at', type: 'timestamptz' })
  createdAt!: Date;
}
