import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { decide, escalate, type PolicySettings, type PolicyState } from './policy.js';

const settings: PolicySettings = {
  cooldownMs: 60_000,
  maxPerSession: 5,
  staleSteps: 20,
  outcomeSteps: 10,
};
const now = Date.UTC(2026, 10, 23, 12, 0, 0);
const verdict = { subtype: 'repetitive_loop' as const, atSeq: 40, createdAt: now - 1000 };
const fresh: PolicyState = {
  cohort: null,
  stepsAfter: 1,
  sessionGuidance: 0,
  previous: null,
};

describe('decide', () => {
  it('nudges a first occurrence, and halts a destructive action in production', () => {
    assert.deepEqual(decide(verdict, fresh, settings, now), {
      action: 'issue',
      severity: 'nudge',
      recurrenceOf: null,
    });
    const destructive = { ...verdict, subtype: 'destructive_action' as const, env: 'production' };
    assert.deepEqual(decide(destructive, fresh, settings, now), {
      action: 'issue',
      severity: 'halt',
      recurrenceOf: null,
    });
  });

  it('drops a stale verdict and one over the session cap', () => {
    assert.deepEqual(decide(verdict, { ...fresh, stepsAfter: 21 }, settings, now), {
      action: 'drop',
      reason: 'stale',
    });
    assert.deepEqual(decide(verdict, { ...fresh, sessionGuidance: 5 }, settings, now), {
      action: 'drop',
      reason: 'cap',
    });
  });

  it('waits for delivery and the cooldown, then escalates a recurrence', () => {
    const previous = { interventionId: 'g1', severity: 'nudge' as const, deliveredAt: null };
    assert.deepEqual(decide(verdict, { ...fresh, previous }, settings, now), {
      action: 'drop',
      reason: 'undelivered',
    });
    const seen = { ...previous, deliveredAt: new Date(now - 10_000) };
    assert.deepEqual(
      decide({ ...verdict, createdAt: now - 20_000 }, { ...fresh, previous: seen }, settings, now),
      {
        action: 'drop',
        reason: 'before_delivery',
      },
    );
    assert.deepEqual(decide(verdict, { ...fresh, previous: seen }, settings, now), {
      action: 'drop',
      reason: 'cooldown',
    });
    const longAgo = {
      ...previous,
      severity: 'warn' as const,
      deliveredAt: new Date(now - 120_000),
    };
    assert.deepEqual(decide(verdict, { ...fresh, previous: longAgo }, settings, now), {
      action: 'issue',
      severity: 'halt',
      recurrenceOf: 'g1',
    });
  });

  it('answers nothing in the control cohort of an experiment (shadow mode), even a destructive action', () => {
    const destructive = { ...verdict, subtype: 'destructive_action' as const, env: 'production' };
    assert.deepEqual(decide(destructive, { ...fresh, cohort: 'control' }, settings, now), {
      action: 'drop',
      reason: 'control_cohort',
    });
    assert.deepEqual(decide(verdict, { ...fresh, cohort: 'treatment' }, settings, now), {
      action: 'issue',
      severity: 'nudge',
      recurrenceOf: null,
    });
  });

  it('climbs nudge → warn → halt and stays at halt', () => {
    assert.deepEqual(
      ['nudge', 'warn', 'halt'].map((s) => escalate(s as never)),
      ['warn', 'halt', 'halt'],
    );
  });
});
