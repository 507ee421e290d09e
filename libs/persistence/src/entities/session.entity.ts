import { Column, Entity, PrimaryColumn } from 'typeorm';
import { SEQ_COLUMN } from './seq-column.js';

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

  /**
   * The earliest and the latest `ts` of the session's stored events, written in the statement that
   * stores them: readers bound their scans of the (day-partitioned) events table by the two.
   */
  @Column({ name: 'first_seen_at', type: 'timestamptz' })
  firstSeenAt!: Date;

  @Column({ name: 'last_seen_at', type: 'timestamptz' })
  lastSeenAt!: Date;

  @Column({ name: 'last_seq', type: 'bigint', transformer: SEQ_COLUMN })
  lastSeq!: number;

  @Column({ name: 'event_count', type: 'int' })
  eventCount!: number;

  /** When Wink first received one of its events (server clock; A/B experiments window on it). */
  @Column({ name: 'first_received_at', type: 'timestamptz' })
  firstReceivedAt!: Date;

  @Column({ name: 'tool_calls', type: 'int' })
  toolCalls!: number;

  @Column({ name: 'tool_failures', type: 'int' })
  toolFailures!: number;

  @Column({ type: 'bigint' })
  tokens!: string;

  @Column({ name: 'human_interventions', type: 'int' })
  humanInterventions!: number;

  /** md5 of the session id as a point in [0, 1): its cohort in any A/B experiment. */
  @Column({ name: 'cohort_point', type: 'double precision' })
  cohortPoint!: number;
}
