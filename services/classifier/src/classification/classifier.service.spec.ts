import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { TOPICS, type EventRecordV1, type TrajectoryEvent } from '@wink/contracts';
import { withOverrides } from '@wink/detectors';
import type { ConsumedMessage, TypedProducer } from '@wink/kafka';
import type { ClassifierConfig } from '../config.js';
import { ClassifierService } from './classifier.service.js';
import type { JudgeScheduler } from './judge-scheduler.js';
import type { RecorderProgress } from './recorder-progress.js';
import type { TenantRules } from './tenant-rules.js';
import type { WindowHistory } from './window-history.js';

const TENANT = '6f1c1f7e-5b1a-4d0e-9a59-0c2f3c8f4b11';
const FAILURE = 'FAIL tests/dates.test.ts > parses ISO weeks\nAssertionError: expected 1 to be 2';

/** A session that runs the same failing test again and again, as one partition's batch. */
function loopingBatch(
  sessionId: string,
  partition: number,
): ConsumedMessage<typeof TOPICS.events>[] {
  const bodies: Array<Pick<TrajectoryEvent, 'kind'> & Partial<TrajectoryEvent>> = [
    { kind: 'task', role: 'user', text: 'Fix the failing date test.' },
  ];
  for (let i = 0; i < 6; i++)
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
        agent: { name: 'claude-code' },
        ...body,
      } as TrajectoryEvent,
    };
    return {
      topic: TOPICS.events,
      partition,
      offset: String(seq),
      key: sessionId,
      value,
      bytes: Buffer.alloc(0),
    };
  });
}

type Send = (topic: string, messages: { key: string | null }[]) => Promise<void>;

/** A classifier whose producer records each produce and acknowledges it when told to. */
function classifier(send?: Send) {
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
    toolsFor: () => undefined,
  } as unknown as TenantRules;
  const service = new ClassifierService(
    {
      CLASSIFIER_MAX_SESSIONS: 100,
      CLASSIFIER_WINDOW: 8,
      CLASSIFIER_MAX_SESSIONS_PER_TENANT: 100,
    } as ClassifierConfig,
    producer,
    {} as WindowHistory,
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

describe('ClassifierService', () => {
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
