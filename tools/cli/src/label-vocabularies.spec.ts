import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { readLabel } from './label-vocabularies.js';

describe('readLabel', () => {
  it("reads Wink's own labels, whatever their spelling, and takes the category from the subtype", () => {
    assert.deepEqual(
      readLabel({ category: 'reasoning_problem', subtype: 'repetitive_loop', step: 4 }),
      {
        kind: 'wink',
        label: { category: 'reasoning_problem', subtype: 'repetitive_loop', step: 4 },
        foreign: [],
      },
    );
    assert.deepEqual(readLabel('Nonexistent Resource'), {
      kind: 'wink',
      label: { category: 'tool_call_failure', subtype: 'nonexistent_resource' },
      foreign: [],
    });
  });

  it('maps the sola-st and AgentRx labels that say what a Wink label says', () => {
    assert.deepEqual(readLabel({ category: 'reasoning_problem', subtype: 'Repetition' }), {
      kind: 'mapped',
      label: { category: 'reasoning_problem', subtype: 'repetitive_loop' },
      from: 'Repetition',
      vocabulary: 'sola-st',
      foreign: ['Repetition'],
    });
    const agentRx = readLabel({ failure_category: 'Invalid Invocation', step_number: 7 });
    assert.equal(agentRx.kind, 'mapped');
    assert.deepEqual(agentRx.kind === 'mapped' && agentRx.label, {
      category: 'tool_call_failure',
      subtype: 'malformed_arguments',
      step: 7,
    });
    const drift = readLabel({ label: 'Intent-Plan Misalignment' });
    assert.deepEqual(drift.kind === 'mapped' && drift.label, { category: 'specification_drift' });
  });

  it('keeps a Wink category when the subtype is foreign, and leaves the rest unmapped', () => {
    assert.deepEqual(readLabel({ category: 'tool_call_failure', subtype: 'Timeout' }), {
      kind: 'wink',
      label: { category: 'tool_call_failure' },
      foreign: ['Timeout'],
    });
    assert.deepEqual(readLabel({ category: 'System Failure' }), {
      kind: 'unmapped',
      name: 'System Failure',
      foreign: ['System Failure'],
    });
    assert.equal(readLabel(42).kind, 'unmapped');
  });
});
