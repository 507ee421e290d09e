import { Column, CreateDateColumn, Entity, PrimaryGeneratedColumn } from 'typeorm';

@Entity({ name: 'tenants' })
export class TenantEntity {
  @PrimaryGeneratedColumn('uuid')
  id!: string;

  @Column({ type: 'text', unique: true })
  name!: string;

  /** Overrides of the detectors' default thresholds. */
  @Column({ name: 'detector_thresholds', type: 'jsonb', default: {} })
  detectorThresholds!: Record<string, number>;

  /** Overrides of the intervention policy's defaults (cooldown, caps, staleness, outcome window). */
  @Column({ type: 'jsonb', default: {} })
  policy!: Record<string, number>;

  /** Days of events kept for this tenant; null: the global RETENTION_DAYS. */
  @Column({ name: 'retention_days', type: 'int', nullable: true })
  retentionDays!: number | null;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt!: Date;
}
