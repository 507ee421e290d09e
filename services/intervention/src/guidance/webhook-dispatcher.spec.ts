import { afterEach, describe, it, mock } from 'node:test';
import assert from 'node:assert/strict';
import type { TypedProducer } from '@wink/kafka';
import type { WebhookEgress } from '@wink/platform';
import type { InterventionConfig } from '../config.js';
import type { DueWebhook, WebhookDeliveriesRepository } from './webhook-deliveries.repository.js';
import { backoffMs, WebhookDispatcher } from './webhook-dispatcher.js';

const config = {
  WEBHOOK_MAX_IN_FLIGHT: 64,
  WEBHOOK_TENANT_CONCURRENCY: 4,
  WEBHOOK_MAX_ATTEMPTS: 6,
  WEBHOOK_BACKOFF_MS: 1000,
  WEBHOOK_BACKOFF_MAX_MS: 300_000,
  WEBHOOK_TIMEOUT_MS: 5000,
} as InterventionConfig;

const due = {
  interventionId: 'i1',
  tenantId: 't1',
  attempts: 0,
  url: 'https://hooks.example.com/wink',
  storedSecret: 'sealed',
  guidance: { createdAt: new Date().toISOString() },
} as DueWebhook;

/** A dispatcher whose repository answers each lease with the next of `answers` (then nothing). */
function dispatcherLeasing(answers: DueWebhook[][]) {
  const leases: number[] = [];
  const failures: Array<Date | null> = [];
  const repo = {
    secretsInClear: async () => [],
    leaseDue: async () => {
      leases.push(leases.length);
      return answers.shift() ?? [];
    },
    failed: async (_id: string, _error: string, retryAt: Date | null) => {
      failures.push(retryAt);
    },
  } as unknown as WebhookDeliveriesRepository;
  const egress = {
    secrets: { open: () => 'secret' },
    resolve: async () => {
      throw Object.assign(new Error('connect ECONNREFUSED'), { code: 'ECONNREFUSED' });
    },
  } as unknown as WebhookEgress;
  const dispatcher = new WebhookDispatcher(config, repo, egress, {} as TypedProducer);
  return { dispatcher, leases, failures };
}

const settle = async () => {
  for (let i = 0; i < 20; i++) await new Promise((r) => setImmediate(r));
};

describe('WebhookDispatcher', () => {
  afterEach(() => mock.timers.reset());

  it('queries only when woken, at a failed attempt’s retry time, and on its slow safety poll', async () => {
    mock.timers.enable({ apis: ['setInterval', 'setTimeout'] });
    const { dispatcher, leases, failures } = dispatcherLeasing([[], [due]]);
    await dispatcher.onApplicationBootstrap();
    await settle();
    assert.equal(leases.length, 1, 'one lease at start');
    mock.timers.tick(2000);
    await settle();
    assert.equal(leases.length, 1, 'an idle dispatcher does not query');

    dispatcher.wake();
    await settle();
    assert.equal(failures.length, 1, 'the woken lease sent the delivery, which failed');
    assert.equal(leases.length, 3, 'and its freed slot leased again');
    mock.timers.tick(config.WEBHOOK_BACKOFF_MS);
    await settle();
    assert.equal(leases.length, 3, 'not before the slack for the database clock');
    mock.timers.tick(100);
    await settle();
    assert.equal(leases.length, 4, 'the retry fell due');
    mock.timers.tick(2000);
    await settle();
    assert.equal(leases.length, 5, 'the safety poll, 5 s after the start');
    await dispatcher.onApplicationShutdown();
  });

  it('wakes at each failed delivery’s own retry time, the later ones too', async () => {
    mock.timers.enable({ apis: ['setInterval', 'setTimeout', 'Date'] });
    const second = { ...due, interventionId: 'i2', attempts: 2 };
    const { dispatcher, leases, failures } = dispatcherLeasing([[], [due, second]]);
    await dispatcher.onApplicationBootstrap();
    await settle();
    dispatcher.wake();
    await settle();
    assert.equal(failures.length, 2, 'both deliveries failed, due again in 1 s and in 4 s');
    const leased = leases.length;
    mock.timers.tick(1100);
    await settle();
    assert.equal(leases.length, leased + 1, 'the first retry fell due');
    mock.timers.tick(2000);
    await settle();
    assert.equal(leases.length, leased + 1, 'nothing between the two');
    mock.timers.tick(1000);
    await settle();
    assert.equal(leases.length, leased + 2, 'the second retry fell due');
    await dispatcher.onApplicationShutdown();
  });
});

describe('backoffMs', () => {
  it('doubles from the base for each failed attempt, up to its maximum', () => {
    assert.deepEqual(
      [1, 2, 3, 4].map((attempt) => backoffMs(1000, attempt, 300_000)),
      [1000, 2000, 4000, 8000],
    );
    assert.equal(backoffMs(1000, 40, 300_000), 300_000);
  });
});
