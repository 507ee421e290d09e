import { Column, Entity, Index, PrimaryColumn } from 'typeorm';
import { SEQ_COLUMN } from './seq-column.js';

@Entity({ name: 'verdicts' })
@Index('verdicts_session_idx', ['tenantId', 'sessionId', 'atSeq'])
@Index('verdicts_tenant_created_idx', ['tenantId', 'createdAt'])
export class VerdictEntity {
  @PrimaryColumn({ name: 'verdict_id', type: 'uuid' })
  verdictId!: string;

  @Column({ name: 'tenant_id', type: 'uuid' })
  tenantId!: string;

  @Column({ name: 'session_id', type: 'text' })
  sessionId!: string;

  @Column({ type: 'text' })
  category!: string;

  @Column({ type: 'text' })
  subtype!: string;

  @Column({ type: 'text' })
  signature!: string;

  @Column({ type: 'real' })
  confidence!: number;

  @Column({ type: 'text' })
  detector!: string;

  @Column({ name: 'at_seq', type: 'bigint', transformer: SEQ_COLUMN })
  atSeq!: number;

  @Column({ name: 'from_seq', type: 'bigint', transformer: SEQ_COLUMN })
  fromSeq!: number;

  @Column({ name: 'to_seq', type: 'bigint', transformer: SEQ_COLUMN })
  toSeq!: number;

  @Column({ type: 'text' })
  reason!: string;

  @Column({ name: 'created_at', type: 'timestamptz' })
  createdAt!: Date;
}
