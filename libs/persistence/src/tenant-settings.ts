import type { DataSource } from 'typeorm';

export interface ToolDefinition {
  name: string;
  /** JSON schema of the tool's arguments. */
  parameters: object;
}

/** Replaces the registered tool schemas of one agent of a tenant. */
export async function registerToolSchemas(
  db: DataSource,
  tenantId: string,
  agentName: string,
  tools: ToolDefinition[],
): Promise<void> {
  await db.transaction(async (tx) => {
    await tx.query('DELETE FROM tool_schemas WHERE tenant_id = $1 AND agent_name = $2', [
      tenantId,
      agentName,
    ]);
    if (tools.length === 0) return;
    await tx.query(
      `INSERT INTO tool_schemas (tenant_id, agent_name, tool_name, parameters)
       SELECT $1, $2, name, parameters FROM unnest($3::text[], $4::jsonb[]) AS t(name, parameters)`,
      [
        tenantId,
        agentName,
        tools.map((t) => t.name),
        tools.map((t) => JSON.stringify(t.parameters)),
      ],
    );
  });
}

export async function toolSchemasOf(
  db: DataSource,
  tenantId: string,
  agentName: string,
): Promise<Record<string, object>> {
  const rows: Array<{ tool_name: string; parameters: object }> = await db.query(
    'SELECT tool_name, parameters FROM tool_schemas WHERE tenant_id = $1 AND agent_name = $2',
    [tenantId, agentName],
  );
  return Object.fromEntries(rows.map((r) => [r.tool_name, r.parameters]));
}

export async function setDetectorThresholds(
  db: DataSource,
  tenantId: string,
  thresholds: Record<string, number>,
): Promise<void> {
  await db.query('UPDATE tenants SET detector_thresholds = $2 WHERE id = $1', [
    tenantId,
    JSON.stringify(thresholds),
  ]);
}

export async function detectorThresholdsOf(
  db: DataSource,
  tenantId: string,
): Promise<Record<string, number>> {
  const rows: Array<{ detector_thresholds: Record<string, number> }> = await db.query(
    'SELECT detector_thresholds FROM tenants WHERE id = $1',
    [tenantId],
  );
  return rows[0]?.detector_thresholds ?? {};
}

export async function setPolicy(
  db: DataSource,
  tenantId: string,
  policy: Record<string, number>,
): Promise<void> {
  await db.query('UPDATE tenants SET policy = $2 WHERE id = $1', [
    tenantId,
    JSON.stringify(policy),
  ]);
}

export async function policyOf(db: DataSource, tenantId: string): Promise<Record<string, number>> {
  const rows: Array<{ policy: Record<string, number> }> = await db.query(
    'SELECT policy FROM tenants WHERE id = $1',
    [tenantId],
  );
  return rows[0]?.policy ?? {};
}

/** `sealedSecret`: the signing secret as encrypted by the caller, never the secret itself. */
export async function setWebhook(
  db: DataSource,
  tenantId: string,
  url: string,
  sealedSecret: string,
): Promise<void> {
  await db.query(
    `INSERT INTO webhooks (tenant_id, url, secret) VALUES ($1, $2, $3)
     ON CONFLICT (tenant_id) DO UPDATE SET url = EXCLUDED.url, secret = EXCLUDED.secret, updated_at = now()`,
    [tenantId, url, sealedSecret],
  );
}

/** Adds the judge's spend to the tenant's count for today (UTC). */
export async function addJudgeUsage(
  db: DataSource,
  tenantId: string,
  tokens: number,
): Promise<void> {
  await db.query(
    `INSERT INTO judge_usage (tenant_id, day, tokens, calls) VALUES ($1, (now() AT TIME ZONE 'utc')::date, $2, 1)
     ON CONFLICT (tenant_id, day) DO UPDATE SET tokens = judge_usage.tokens + EXCLUDED.tokens, calls = judge_usage.calls + 1`,
    [tenantId, tokens],
  );
}

export async function judgeTokensToday(db: DataSource, tenantId: string): Promise<number> {
  const rows: Array<{ tokens: string }> = await db.query(
    `SELECT tokens FROM judge_usage WHERE tenant_id = $1 AND day = (now() AT TIME ZONE 'utc')::date`,
    [tenantId],
  );
  return Number(rows[0]?.tokens ?? 0);
}
