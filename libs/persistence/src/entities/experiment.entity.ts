import { Column, Entity, PrimaryColumn } from 'typeorm';

/** A tenant's A/B experiment: while it runs, its control cohort gets no guidance (shadow mode). */
@Entity({ name: 'experiments' })
export class ExperimentEntity {
  @PrimaryColumn({ name: 'experiment_id', type: 'uuid' })
  experimentId!: string;

  @Column({ name: 'tenant_id', type: 'uuid' })
  tenantId!: string;

  @Column({ type: 'text' })
  name!: string;

  @Column({ name: 'treatment_share', type: 'double precision' })
  treatmentShare!: number;

  @Column({ name: 'started_at', type: 'timestamptz' })
  startedAt!: Date;

  @Column({ name: 'stopped_at', type: 'timestamptz', nullable: true })
  stoppedAt!: Date | null;
}
