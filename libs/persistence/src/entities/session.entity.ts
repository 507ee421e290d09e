import { Column, Entity, PrimaryColumn } from 'typeorm';

/** One agent session, aggregated by the recorder from the events it stores. */
@Entity({ name: 'sessions' })
export class SessionEntity {
  @PrimaryColumn({ name: 'tenant_id', type: 'uuid' })
  tenantId!: string;

  @PrimaryColumn({ name: 'session_id', type: 'text' })
  sessionId!: string;

  @Column({ name: 'agent_name', type: 'text' })
  agentName!: string;

  @Column({ type: 'text', nullable: true })
  model!: string | null;

  @Column({ type: 'text', nullable: true })
  env!: string | null;

  @Column({ name: 'first_seen_at', type: 'timestamptz' })
  firstSeenAt!: Date;

  @Column({ name: 'last_seen_at', type: 'timestamptz' })
  lastSeenAt!: Date;

  @Column({ name: 'last_seq', type: 'int' })
  lastSeq!: number;

  @Column({ name: 'event_count', type: 'int' })
  eventCount!: number;
}
