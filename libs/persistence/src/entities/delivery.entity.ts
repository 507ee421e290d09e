import { Column, Entity, PrimaryColumn } from 'typeorm';

/** One guidance delivered (or being delivered) on one channel: poll, sse, webhook or topic. */
@Entity({ name: 'deliveries' })
export class DeliveryEntity {
  @PrimaryColumn({ name: 'intervention_id', type: 'uuid' })
  interventionId!: string;

  @PrimaryColumn({ type: 'text' })
  channel!: string;

  @Column({ name: 'tenant_id', type: 'uuid' })
  tenantId!: string;

  @Column({ type: 'text' })
  status!: string;

  @Column({ type: 'int' })
  attempts!: number;

  @Column({ name: 'created_at', type: 'timestamptz' })
  createdAt!: Date;

  @Column({ name: 'delivered_at', type: 'timestamptz', nullable: true })
  deliveredAt!: Date | null;

  @Column({ name: 'next_attempt_at', type: 'timestamptz', nullable: true })
  nextAttemptAt!: Date | null;

  @Column({ name: 'last_error', type: 'text', nullable: true })
  lastError!: string | null;
}
