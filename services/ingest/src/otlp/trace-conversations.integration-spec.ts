import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes, randomUUID } from 'node:crypto';
import type { DataSource } from 'typeorm';
import { parseTraceRequest, tracesToEvents, type TraceRequest } from '@wink/otlp';
import { createDataSource, issueApiKey } from '@wink/persistence';
import {
  openMigratedDatabase,
  TEST_DATABASE_URL,
} from '@wink/persistence/testing/test-database.js';
import { TraceConversations } from './trace-conversations.js';

/** One tool span of `traceId`, naming `conversationId` when given. */
function toolSpan(traceId: string, conversationId?: string): TraceRequest {
  const attributes = [
    { key: 'gen_ai.operation.name', value: { stringValue: 'execute_tool' } },
    { key: 'gen_ai.tool.name', value: { stringValue: 'bash' } },
    ...(conversationId
      ? [{ key: 'gen_ai.conversation.id', value: { stringValue: conversationId } }]
      : []),
  ];
  const parsed = parseTraceRequest({
    resourceSpans: [
      {
        scopeSpans: [
          {
            spans: [
              {
                traceId,
                spanId: randomBytes(8).toString('hex'),
                name: 'execute_tool bash',
                startTimeUnixNano: '1764000000000000000',
                endTimeUnixNano: '1764000001000000000',
                attributes,
              },
            ],
          },
        ],
      },
    ],
  });
  assert.ok(parsed.ok);
  return parsed.value;
}

async function exportThrough(
  conversations: TraceConversations,
  tenantId: string,
  request: TraceRequest,
): Promise<string[]> {
  // The sessions the export's events are in.
  const { memory, save } = await conversations.forExport(tenantId, request);
  const mapping = tracesToEvents(request, memory);
  await save();
  return [
    ...new Set(mapping.events.map(({ event }) => (event as { sessionId: string }).sessionId)),
  ];
}

describe('TraceConversations on the real Postgres', () => {
  let db: DataSource;
  let tenantId: string;

  before(async () => {
    db = await openMigratedDatabase();
    ({ tenantId } = await issueApiKey(db, `trace-map-${randomUUID()}`));
  });

  after(async () => {
    await db?.destroy();
  });

  const seenAt = async (traceId: string) => {
    const [row] = await db.query(
      `SELECT conversation_id, now() - seen_at < interval '1 minute' AS fresh
         FROM otlp_trace_sessions WHERE tenant_id = $1 AND trace_id = $2`,
      [tenantId, traceId],
    );
    return row as { conversation_id: string; fresh: boolean };
  };

  it('refreshes seen_at of a row a day old when its trace is exported again, keeping the first conversation, and leaves a recent row alone', async () => {
    const old = randomBytes(16).toString('hex');
    const recent = randomBytes(16).toString('hex');
    await db.query(
      `INSERT INTO otlp_trace_sessions (tenant_id, trace_id, conversation_id, seen_at)
       VALUES ($1, $2, 'conv-first', now() - interval '2 days'),
              ($1, $3, 'conv-first', now() - interval '2 hours')`,
      [tenantId, old, recent],
    );
    const conversations = new TraceConversations(db);
    await exportThrough(conversations, tenantId, toolSpan(old, 'conv-second'));
    await exportThrough(conversations, tenantId, toolSpan(recent, 'conv-second'));
    assert.deepEqual(await seenAt(old), { conversation_id: 'conv-first', fresh: true });
    assert.deepEqual(await seenAt(recent), { conversation_id: 'conv-first', fresh: false });

    // A span naming no conversation, of a trace whose row is old, refreshes it as well.
    const unnamed = randomBytes(16).toString('hex');
    await db.query(
      `INSERT INTO otlp_trace_sessions (tenant_id, trace_id, conversation_id, seen_at)
       VALUES ($1, $2, 'conv-first', now() - interval '3 days')`,
      [tenantId, unnamed],
    );
    const sessions = await exportThrough(new TraceConversations(db), tenantId, toolSpan(unnamed));
    assert.deepEqual(sessions, ['conv-first']);
    assert.deepEqual(await seenAt(unnamed), { conversation_id: 'conv-first', fresh: true });
  });

  it('goes on without the shared map when its database cannot be reached: the cache and trace-<traceId> answer, nothing throws', async () => {
    const closed = await createDataSource(TEST_DATABASE_URL, 1).initialize();
    await closed.destroy();
    const conversations = new TraceConversations(closed);
    const named = randomBytes(16).toString('hex');
    const unknown = randomBytes(16).toString('hex');
    assert.deepEqual(await exportThrough(conversations, tenantId, toolSpan(named, 'conv-a')), [
      'conv-a',
    ]);
    assert.deepEqual(await exportThrough(conversations, tenantId, toolSpan(named)), ['conv-a']);
    assert.deepEqual(await exportThrough(conversations, tenantId, toolSpan(unknown)), [
      `trace-${unknown}`,
    ]);
  });
});
