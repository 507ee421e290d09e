import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { decodeMessage, TOPICS, type EventRecordV1, type TrajectoryEvent } from '@wink/contracts';
import { withOverrides } from '@wink/detectors';
import type { ConsumedMessage, TypedProducer } from '@wink/kafka';
import type { ClassifierConfig } from '../config.js';
import { ClassifierService } from './classifier.service.js';
import { windowsEvicted, windowsRebuilt } from './classifier.metrics.js';
import type { JudgeScheduler } from './judge-scheduler.js';
import type { RecorderProgress } from './recorder-progress.js';
import type { TenantRules } from './tenant-rules.js';
import type { WindowHistory } from './window-history.js';

const TENANT = '6f1c1f7e-5b1a-4d0e-9a59-0c2f3c8f4b11';
const FAILURE = 'FAIL tests/dates.test.ts > parses ISO weeks\nAssertionError: expected 1 to be 2';

type Events = ConsumedMessage<typeof TOPICS.events>[];

/** The messages as one batch the consumer read, from the first's offset to the last's. */
const asBatch = (messages: Events): Events => {
  const read = { first: messages[0].offset, last: messages.at(-1)!.offset };
  return messages.map((m) => ({ ...m, read }));
};

/** A session that runs the same failing test again and again, as one partition's batch. */
function loopingBatch(
  sessionId: string,
  partition: number,
  { runs = 6, firstOffset = 0, agent = 'claude-code' } = {},
): Events {
  const bodies: Array<Pick<TrajectoryEvent, 'kind'> & Partial<TrajectoryEvent>> = [
    { kind: 'task', role: 'user', text: 'Fix the failing date test.' },
  ];
  for (let i = 0; i < runs; i++)
    bodies.push(
      {
        kind: 'tool_call',
        role: 'assistant',
        tool: { name: 'Bash', args: { command: 'npm test' }, callId: `c${i}` },
      },
      {
        kind: 'tool_result',
        role: 'tool',
        result: { callId: `c${i}`, ok: false, exitCode: 1, output: FAILURE },
      },
    );
  return bodies.map((body, seq) => {
    const value: EventRecordV1 = {
      v: 1,
      tenantId: TENANT,
      receivedAt: 1_764_000_000_000,
      event: {
        eventId: `${sessionId}-${seq}`,
        sessionId,
        seq,
        ts: new Date(Date.UTC(2026, 10, 20, 14, 0, seq)).toISOString(),
        agent: { name: agent },
        ...body,
      } as TrajectoryEvent,
    };
    return {
      topic: TOPICS.events,
      partition,
      offset: String(firstOffset + seq),
      key: sessionId,
      value,
      bytes: Buffer.alloc(0),
      read: { first: String(firstOffset), last: String(firstOffset + bodies.length - 1) },
    };
  });
}

type Send = (topic: string, messages: { key: string | null; value: Buffer }[]) => Promise<void>;

/** A classifier whose producer records each produce and acknowledges it when told to. */
function classifier(
  send?: Send,
  history = {} as WindowHistory,
  toolsFor: (tenantId: string, agentName: string) => undefined = () => undefined,
) {
  const produced: { key: string | null }[][] = [];
  const acks: Array<(error?: Error) => void> = [];
  const producer = {
    sendRaw:
      send ??
      ((_topic: string, messages: { key: string | null }[]) => {
        produced.push(messages);
        return new Promise<void>((resolve, reject) =>
          acks.push((error) => (error ? reject(error) : resolve())),
        );
      }),
  } as unknown as TypedProducer;
  const rules = {
    prefetch: async () => undefined,
    thresholdsFor: () => withOverrides(),
    toolsFor,
  } as unknown as TenantRules;
  const service = new ClassifierService(
    {
      CLASSIFIER_MAX_SESSIONS: 100,
      CLASSIFIER_WINDOW: 8,
      CLASSIFIER_MAX_SESSIONS_PER_TENANT: 100,
    } as ClassifierConfig,
    producer,
    history,
    rules,
    { observe: () => undefined } as unknown as JudgeScheduler,
    { waitForRecorded: async () => true } as unknown as RecorderProgress,
  );
  return { service, produced, acks };
}

/** Past the turn the batches were classified in, and the one their verdicts were gathered in. */
const turnsLater = async () => {
  for (let i = 0; i < 2; i++) await new Promise((r) => setImmediate(r));
};

const settledYet = async (promise: Promise<unknown>) => {
  let settled = false;
  void promise.then(
    () => (settled = true),
    () => (settled = true),
  );
  await turnsLater();
  return settled;
};

/** The ids of the verdicts each produce carried. */
const verdictIds = (produced: { value: Buffer }[][]) =>
  produced.map((messages) =>
    messages.map((m) => {
      const decoded = decodeMessage(TOPICS.verdicts, m.value);
      assert.ok(decoded.ok);
      return decoded.value.verdictId;
    }),
  );

/** One session looping and one that ran its failing test twice, then moved on, in one batch. */
const twoSessions = () =>
  asBatch([
    ...loopingBatch('looping', 0),
    ...loopingBatch('twice', 0, { runs: 2, firstOffset: 13 }),
  ]);

/** The counter's value for one label set (metrics are the process's: tests compare deltas). */
const countOf = async (
  metric: typeof windowsRebuilt | typeof windowsEvicted,
  labels: Record<string, string>,
) =>
  (await metric.get()).values.find((v) =>
    Object.entries(labels).every(([name, value]) => v.labels[name] === value),
  )?.value ?? 0;

describe('ClassifierService', () => {
  it('feeds its windows once from a batch handed again after its produce failed, producing the same verdicts', async () => {
    const reference: { value: Buffer }[][] = [];
    const recording = classifier(async (_topic, messages) => void reference.push(messages));
    await recording.service.classify(twoSessions());
    assert.ok(reference.flat().length > 0, 'the looping session has verdicts');

    const sent: { value: Buffer }[][] = [];
    let fails = 1;
    const { service } = classifier(async (_topic, messages) => {
      if (fails-- > 0) throw new Error('KafkaJSNumberOfRetriesExceeded');
      sent.push(messages);
    });
    await assert.rejects(service.classify(twoSessions()));
    await service.classify(twoSessions());
    assert.deepEqual(verdictIds(sent), verdictIds(reference));
  });

  it('rebuilds the windows of a partition another worker held meanwhile, and only then', async () => {
    const asked: Array<{ sessionId: string; beforeSeq: number }[]> = [];
    const history = {
      recent: async (_tenantId: string, requests: { sessionId: string; beforeSeq: number }[]) => {
        asked.push(requests);
        return new Map();
      },
    } as unknown as WindowHistory;
    const { service } = classifier(async () => undefined, history);
    const rebuiltBefore = await countOf(windowsRebuilt, { outcome: 'whole' });
    const evictedBefore = await countOf(windowsEvicted, { reason: 'partition' });
    const session = loopingBatch('a', 0, { runs: 6, firstOffset: 100 });
    await service.classify(asBatch(session.slice(0, 5)));
    // Offset 109 was read and set aside before the handler (a broken envelope): no takeover.
    await service.classify(
      session.slice(5, 9).map((m) => ({ ...m, read: { first: '105', last: '109' } })),
    );
    await service.classify(asBatch(session.slice(10, 11)));
    assert.deepEqual(asked, [], 'a batch following on from the last uses the windows held');
    await service.classify(asBatch(session.slice(12)));
    assert.deepEqual(asked, [[{ sessionId: 'a', beforeSeq: 12 }]]);
    assert.equal(
      await countOf(windowsEvicted, { reason: 'partition' }),
      evictedBefore + 1,
      "the session's window went with the partition taken over",
    );
    assert.equal(await countOf(windowsRebuilt, { outcome: 'whole' }), rebuiltBefore + 1);
  });

  it('counts the windows it could not rebuild when Postgres fails, and classifies on', async () => {
    const history = {
      recent: async () => {
        throw new Error('connect ECONNREFUSED 127.0.0.1:5432');
      },
    } as unknown as WindowHistory;
    const sent: { value: Buffer }[][] = [];
    const { service } = classifier(async (_topic, messages) => void sent.push(messages), history);
    const failedBefore = await countOf(windowsRebuilt, { outcome: 'failed' });
    const batch = asBatch([
      ...loopingBatch('b', 0, { firstOffset: 200 }).slice(3),
      ...loopingBatch('c', 0, { firstOffset: 220 }).slice(5),
    ]);
    assert.deepEqual(await service.classify(batch), [], 'nothing set aside');
    assert.equal(await countOf(windowsRebuilt, { outcome: 'failed' }), failedBefore + 2);
    assert.ok(sent.flat().length > 0, "the looping session's runs in the batch still found it");
  });

  it('gives again the events it failed on when a batch is handed again, for them to be set aside', async () => {
    let fails = 1;
    const { service } = classifier(
      async () => {
        if (fails-- > 0) throw new Error('KafkaJSNumberOfRetriesExceeded');
      },
      undefined,
      (_tenantId, agentName) => {
        if (agentName === 'broken') throw new Error('tool schemas unreadable');
        return undefined;
      },
    );
    const batch = asBatch([
      ...loopingBatch('looping', 0),
      ...loopingBatch('broken', 0, { runs: 1, firstOffset: 13, agent: 'broken' }),
    ]);
    await assert.rejects(service.classify(batch));
    const poisoned = await service.classify(batch);
    assert.deepEqual(
      poisoned.map((p) => p.message.offset),
      ['13', '14', '15'],
    );
  });

  it("publishes the verdicts of a fetch's partition batches in one produce, each batch done once it is acknowledged", async () => {
    const { service, produced, acks } = classifier();
    const batches = [
      service.classify(loopingBatch('a', 0)),
      service.classify(loopingBatch('b', 1)),
    ];
    assert.equal(await settledYet(Promise.race(batches)), false);
    assert.equal(produced.length, 1);
    assert.deepEqual(new Set(produced[0].map((m) => m.key)), new Set(['a', 'b']));
    acks[0]();
    assert.deepEqual(await Promise.all(batches), [[], []]);
  });

  it('fails every batch whose verdicts the failed produce carried, for the consumer to retry', async () => {
    const { service, acks } = classifier();
    const batches = [
      service.classify(loopingBatch('a', 0)),
      service.classify(loopingBatch('b', 1)),
    ];
    await turnsLater();
    acks[0](new Error('KafkaJSNumberOfRetriesExceeded'));
    const results = await Promise.allSettled(batches);
    assert.deepEqual(
      results.map((r) => r.status),
      ['rejected', 'rejected'],
    );
  });

  it('fails only the batch at fault when a merged produce fails on its data', async () => {
    const { service } = classifier(async (_topic, messages) => {
      if (messages.some((m) => m.key === 'a'))
        throw Object.assign(new Error('verdict out of contract'), { name: 'ContractViolation' });
    });
    const results = await Promise.allSettled([
      service.classify(loopingBatch('a', 0)),
      service.classify(loopingBatch('b', 1)),
    ]);
    assert.deepEqual(
      results.map((r) => r.status),
      ['rejected', 'fulfilled'],
    );
  });
});
