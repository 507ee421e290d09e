// A step the host rejected ("not precise… you may need to check the arguments", "too much
// output. Do not run this again with the same arguments") sent again: a loop when it comes back
// exactly as it was, or three times with cosmetic changes (as for a failing test re-run
// unchanged); a request to retry or wait is obeyed by sending the step again.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { SessionBuilder } from '../testing/session-builder.js';
import { analyse, subtypes } from '../testing/analyse.js';
import { rejectsStep } from '../rejection.js';

const IMPRECISE =
  'The buggy locations is not precise. You may need to check whether the arguments are correct and search more information.';
const TOO_MUCH =
  'Failure: command search_code returned too much output. Do not execute this command again with the same arguments.';
const LOCATIONS = {
  locations: [{ file: 'src/stats/regression.py', class: 'PolyFit', method: '_fit_predict' }],
};

describe('rejectsStep', () => {
  it('recognises a short verdict that asks the agent to change its step', () => {
    assert.equal(rejectsStep(IMPRECISE, ''), true);
    assert.equal(rejectsStep(TOO_MUCH, ''), true);
    assert.equal(
      rejectsStep('The fix you passed is empty. Please provide a non empty implementation.', ''),
      true,
    );
  });

  it('is not fooled by content, acknowledgements or requests to retry', () => {
    assert.equal(rejectsStep('Your thought has been logged.', ''), false);
    assert.equal(rejectsStep('file1.txt\nfile2.txt', ''), false);
    assert.equal(
      rejectsStep(
        'Rate limit exceeded: you must not send more than 5 requests. Try again in 20s.',
        '',
      ),
      false,
    );
    assert.equal(rejectsStep('Build not ready yet. You should check its status again.', ''), false);
    const readme = `# Setup\n${'You should not commit the .env file; it holds secrets. '.repeat(10)}`;
    assert.equal(rejectsStep(readme, ''), false, 'a long result is content that quotes the words');
  });
});

describe('repetitive_loop: a rejected step sent again', () => {
  it('flags a rejected submission sent back exactly as it was, and quotes the feedback', () => {
    const s = new SessionBuilder().task('Find where the polynomial fit fails on missing data.');
    s.tool('search_class', { name: 'PolyFit' }, { output: 'class PolyFit(Stat): …' });
    for (let i = 0; i < 2; i++) s.tool('submit_locations', LOCATIONS, { output: IMPRECISE });
    const findings = analyse(s.events);
    assert.deepEqual(subtypes(findings), ['repetitive_loop']);
    assert.match(findings[0].reason, /2 times in a row and was told each time to change it/);
    assert.match(findings[0].reason, /not precise\. You may need to check/);
    assert.deepEqual(findings[0].steps, [3, 5]);
  });

  it('flags near-identical searches refused as too broad, at the third', () => {
    const s = new SessionBuilder().task('Fix the Range constructor bug.');
    for (const words of [
      ['Range', 'constructor', 'BorderArrangement'],
      ['Range constructor IllegalArgumentException BorderArrangement'],
      ['Range constructor BorderArrangement IllegalArgumentException'],
    ])
      s.tool('search_code', { project: 'chart', key_words: words }, { output: TOO_MUCH });
    const findings = analyse(s.events);
    assert.deepEqual(subtypes(findings), ['repetitive_loop']);
    assert.equal(findings[0].steps?.length, 3);
  });

  it('stays quiet on a rejected step changed once, and on a rejection the agent acts on', () => {
    const changed = new SessionBuilder();
    for (const line of [30, 31]) {
      changed.tool(
        'submit_locations',
        { locations: [{ file: 'src/stats/regression.py', line }] },
        { output: IMPRECISE },
      );
    }
    changed.tool('search_method', { name: 'lstsq' }, { output: 'def lstsq(a, b): …' });
    assert.deepEqual(analyse(changed.events), []);

    const actedOn = new SessionBuilder();
    actedOn.tool('submit_locations', LOCATIONS, { output: IMPRECISE });
    actedOn.tool(
      'search_method_in_class',
      { method: '_fit_predict', class: 'PolyFit' },
      {
        output: 'def _fit_predict(self, data): …',
      },
    );
    actedOn.tool('submit_locations', LOCATIONS, { output: IMPRECISE });
    actedOn.tool(
      'submit_locations',
      { locations: [{ file: 'src/stats/regression.py', line: 30 }] },
      { output: 'Locations accepted.' },
    );
    assert.deepEqual(analyse(actedOn.events), []);
  });

  it('stays quiet on a call retried as the host asked, and on three identical lookups', () => {
    const retried = new SessionBuilder();
    for (let i = 0; i < 3; i++)
      retried.tool(
        'get_reservation',
        { id: 'ZFA04Y' },
        {
          output: 'Rate limit exceeded. Please try again in a few seconds.',
        },
      );
    assert.deepEqual(analyse(retried.events), []);

    const looked = new SessionBuilder();
    for (let i = 0; i < 3; i++)
      looked.tool(
        'get_user_details',
        { user_id: 'mia_li_3668' },
        {
          output: '{"name": "Mia Li", "membership": "gold", "reservations": ["NO6JO3"]}',
        },
      );
    assert.deepEqual(analyse(looked.events), []);
  });
});
