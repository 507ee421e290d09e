import { Column, Entity, PrimaryColumn } from 'typeorm';

/**
 * Rollup the recorder recomputes per tenant-day: for sessions whose first step fell on `day`, by
 * agent and model, the sessions and those with a verdict (`all`), and the sessions showing each
 * category and subtype (`flagged` of the `category` / `subtype` rows).
 */
@Entity({ name: 'daily_rates' })
export class DailyRateEntity {
  @PrimaryColumn({ name: 'tenant_id', type: 'uuid' })
  tenantId!: string;

  @PrimaryColumn({ type: 'date' })
  day!: string;

  @PrimaryColumn({ name: 'agent_name', type: 'text' })
  agentName!: string;

  /** '' when the session's model is unknown. */
  @PrimaryColumn({ type: 'text' })
  model!: string;

  @PrimaryColumn({ type: 'text' })
  dimension!: 'all' | 'category' | 'subtype';

  @PrimaryColumn({ type: 'text' })
  key!: string;

  @Column({ type: 'int' })
  sessions!: number;

  @Column({ type: 'int' })
  flagged!: number;
}
