import { Column, Entity, PrimaryColumn } from 'typeorm';
import { SEQ_COLUMN } from './seq-column.js';

/** Rollup kept by the recorder: one row per subtype a session was found to show. */
@Entity({ name: 'session_misbehaviours' })
export class SessionMisbehaviourEntity {
  @PrimaryColumn({ name: 'tenant_id', type: 'uuid' })
  tenantId!: string;

  @PrimaryColumn({ name: 'session_id', type: 'text' })
  sessionId!: string;

  @PrimaryColumn({ type: 'text' })
  subtype!: string;

  @Column({ type: 'text' })
  category!: string;

  @Column({ type: 'int' })
  verdicts!: number;

  @Column({ name: 'first_at_seq', type: 'bigint', transformer: SEQ_COLUMN })
  firstAtSeq!: number;

  @Column({ name: 'first_at', type: 'timestamptz' })
  firstAt!: Date;
}
