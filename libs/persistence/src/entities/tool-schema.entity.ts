import { Column, Entity, PrimaryColumn } from 'typeorm';

/** The JSON schema of one tool's arguments, as an agent host registered it. */
@Entity({ name: 'tool_schemas' })
export class ToolSchemaEntity {
  @PrimaryColumn({ name: 'tenant_id', type: 'uuid' })
  tenantId!: string;

  @PrimaryColumn({ name: 'agent_name', type: 'text' })
  agentName!: string;

  @PrimaryColumn({ name: 'tool_name', type: 'text' })
  toolName!: string;

  @Column({ type: 'jsonb' })
  parameters!: object;

  @Column({ name: 'updated_at', type: 'timestamptz' })
  updatedAt!: Date;
}
