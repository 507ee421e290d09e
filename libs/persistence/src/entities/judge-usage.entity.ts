import { Column, Entity, PrimaryColumn } from 'typeorm';

/** Tokens the LLM judge spent for a tenant on a day (UTC), against the tenant's daily cap. */
@Entity({ name: 'judge_usage' })
export class JudgeUsageEntity {
  @PrimaryColumn({ name: 'tenant_id', type: 'uuid' })
  tenantId!: string;

  @PrimaryColumn({ type: 'date' })
  day!: string;

  @Column({ type: 'bigint' })
  tokens!: string;

  @Column({ type: 'int' })
  calls!: number;
}
