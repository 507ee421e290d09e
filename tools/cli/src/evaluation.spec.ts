import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { Finding } from '@wink/detectors';
import { evaluate } from './evaluation.js';

const finding = (subtype: Finding['subtype'], category: Finding['category']): Finding => ({
  category,
  subtype,
  confidence: 0.9,
  signature: 's',
  fromSeq: 0,
  toSeq: 1,
  reason: 'r',
  detector: 'd',
});
const loop = finding('repetitive_loop', 'reasoning_problem');
const missing = finding('nonexistent_resource', 'tool_call_failure');

describe('evaluate', () => {
  it('scores sessions per category and subtype, and the share of clean sessions flagged', () => {
    const report = evaluate([
      { labels: [{ category: 'reasoning_problem', subtype: 'repetitive_loop' }], findings: [loop] },
      { labels: [{ category: 'reasoning_problem', subtype: 'repetitive_loop' }], findings: [] },
      { labels: [], findings: [missing], outcome: 'succeeded' },
      { labels: [], findings: [], outcome: 'succeeded' },
    ]);
    assert.equal(report.succeeded, 2);
    assert.deepEqual(report.succeededFlagged, { nonexistent_resource: 0.5, any: 0.5 });
    assert.deepEqual(report.bySubtype.repetitive_loop, {
      support: 2,
      predicted: 1,
      tp: 1,
      precision: 1,
      recall: 0.5,
      f1: 2 / 3,
    });
    assert.equal(report.bySubtype.nonexistent_resource.precision, 0);
    assert.equal(report.byCategory.tool_call_failure.predicted, 1);
    assert.equal(report.cleanFlagged, 0.5);
    assert.deepEqual(report.confusion, {
      reasoning_problem: { reasoning_problem: 1, none: 1 },
      clean: { tool_call_failure: 1, none: 1 },
    });
  });
});
