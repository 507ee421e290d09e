import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { SessionBuilder } from '../testing/session-builder.js';
import { analyse, subtypes } from '../testing/analyse.js';
import { withOverrides } from '../thresholds.js';
import { repeatedChunk } from './repetitive-loop.js';

const FAILING =
  'FAILED tests/test_core.py::test_iso_week - AssertionError: assert 2024-12-30 == 2024-01-01\n1 failed, 13 passed in 0.21s';

describe('repetitive_loop beyond identical calls', () => {
  it('flags an A/B alternation with unchanged results', () => {
    const s = new SessionBuilder();
    for (let i = 0; i < 3; i++) {
      s.bash('git stash', { output: 'Saved working directory' });
      s.bash('git stash pop', {
        output: 'CONFLICT (content): Merge conflict in app.py',
        exitCode: 1,
      });
    }
    const findings = analyse(s.events);
    assert.deepEqual(subtypes(findings), ['repetitive_loop']);
    assert.match(
      findings[0].reason,
      /repeated the same 2 steps \(`git stash` → `git stash pop`\) 3 times/,
    );
  });

  it('flags the same message three times, empty replies, and a reply that repeats itself', () => {
    const s = new SessionBuilder()
      .say('Let me check the configuration.')
      .say('Let me check the configuration.')
      .say('Let me check the configuration.')
      .say('')
      .say('  ')
      .say('\n')
      .say('I will now fix the bug. '.repeat(40));
    assert.deepEqual(subtypes(analyse(s.events)), [
      'repetitive_loop',
      'repetitive_loop',
      'repetitive_loop',
    ]);
  });

  it('stays quiet on the same short acknowledgement between tool calls', () => {
    const s = new SessionBuilder();
    for (const f of ['a.py', 'b.py', 'c.py'])
      s.say('Next file.').tool('Read', { file_path: f }, { output: f });
    assert.deepEqual(analyse(s.events), []);
  });
});

describe('no_progress', () => {
  it('flags the same test failure across three rounds of different edits', () => {
    const s = new SessionBuilder().task('Fix the ISO week parsing in src/core.py.');
    s.bash('pytest tests/test_core.py', { exitCode: 1, output: FAILING });
    for (let i = 0; i < 3; i++) {
      s.tool(
        'Edit',
        { file_path: 'src/core.py', old_string: `days=${i}`, new_string: `days=${i + 1}` },
        { output: 'ok' },
      );
      s.bash('pytest tests/test_core.py', {
        exitCode: 1,
        output: FAILING.replace('0.21s', `0.2${i}s`),
      });
    }
    const findings = analyse(s.events);
    assert.deepEqual(subtypes(findings), ['no_progress']);
    assert.match(
      findings[0].reason,
      /`pytest tests\/test_core.py` failed the same way after 2 rounds of edits \(steps 1, 5 and 9\)/,
    );
  });

  it('flags an edit that undoes the previous one, and re-reading an unchanged file', () => {
    const s = new SessionBuilder()
      .tool(
        'Edit',
        { file_path: 'src/core.py', old_string: 'a < b', new_string: 'a <= b' },
        { output: 'ok' },
      )
      .tool(
        'Edit',
        { file_path: 'src/core.py', old_string: 'a <= b', new_string: 'a < b' },
        { output: 'ok' },
      )
      .tool('Read', { file_path: 'src/util.py' }, { output: 'def helper(): ...' })
      .bash('ls src', { output: 'core.py util.py' })
      .tool('Read', { file_path: 'src/util.py' }, { output: 'def helper(): ...' })
      .bash('git status', { output: 'clean' })
      .tool('Read', { file_path: 'src/util.py' }, { output: 'def helper(): ...' });
    const findings = analyse(s.events);
    assert.deepEqual(subtypes(findings), ['no_progress', 'repetitive_loop']);
    assert.match(findings[0].reason, /undid the edit of `src\/core.py`/);
    assert.match(
      findings[1].reason,
      /ran `Read\({"file_path":"src\/util.py"}\)` 3 times .* already seen/,
    );
  });

  it('stays quiet while the failure changes from edit to edit, and on a re-read after an edit', () => {
    const s = new SessionBuilder();
    for (let i = 0; i < 4; i++) {
      s.tool(
        'Edit',
        { file_path: 'src/core.py', old_string: `v${i}`, new_string: `v${i + 1}` },
        { output: 'ok' },
      );
      s.bash('pytest', {
        exitCode: 1,
        output: `FAILED tests/test_core.py::test_${i} - AssertionError`,
      });
      s.tool('Read', { file_path: 'src/core.py' }, { output: `v${i + 1}` });
    }
    assert.deepEqual(analyse(s.events), []);
  });
});

describe('false_completion', () => {
  it('flags "all tests pass" after a failing run, and "tests pass" when none ran', () => {
    const failed = new SessionBuilder()
      .bash('npm test', {
        exitCode: 1,
        output: '1 failing\n  1) pager shows 10 items: AssertionError',
      })
      .say('I fixed the pager and all tests pass now.');
    assert.deepEqual(subtypes(analyse(failed.events)), ['false_completion']);
    const none = new SessionBuilder()
      .tool(
        'Edit',
        { file_path: 'src/pager.ts', old_string: '<=', new_string: '<' },
        { output: 'ok' },
      )
      .say('Done. The tests are passing.');
    assert.deepEqual(subtypes(analyse(none.events)), ['false_completion']);
  });

  it('reads every form of claim, in any case, against a failing run', () => {
    for (const claim of [
      "I've fixed the pager.",
      'I HAVE RESOLVED it',
      'i have completed the change',
      'I have implemented paging.',
      'The bug is now fixed.',
      'They are resolved',
      'It has been fixed',
      'these have been resolved now',
      'The fix is complete.',
      'The task is done.',
      'the change is complete',
      'Successfully implemented the pager',
      'Successfully Completed.',
      'All the tests now pass.',
      'Tests are all passing',
      'The test suite passes',
      'Every test is green',
      'all tests are passing',
    ]) {
      const s = new SessionBuilder()
        .bash('npm test', { exitCode: 1, output: '1 failing' })
        .say(claim);
      assert.deepEqual(subtypes(analyse(s.events)), ['false_completion'], claim);
    }
    const plain = new SessionBuilder()
      .bash('npm test', { exitCode: 1, output: '1 failing' })
      .say('I changed the pager to stop at the last page.');
    assert.deepEqual(analyse(plain.events), []);
  });

  it('flags ending as done without touching the file the task named', () => {
    const s = new SessionBuilder()
      .task('Fix the rounding error in billing/invoice.py.')
      .tool('Read', { file_path: 'billing/invoice.py' }, { output: 'def total(): ...' })
      .say('The rounding is handled correctly.')
      .end('completed');
    assert.deepEqual(subtypes(analyse(s.events)), ['false_completion']);
  });

  it('stays quiet on a claim the last test run supports, and on an honest report of failure', () => {
    const s = new SessionBuilder()
      .task('Fix the rounding error in billing/invoice.py.')
      .bash('pytest', { exitCode: 1, output: 'FAILED test_invoice.py::test_round' })
      .say('The test still fails; I need to look at the rounding mode.')
      .tool(
        'Edit',
        { file_path: 'billing/invoice.py', old_string: 'round(x)', new_string: 'round(x, 2)' },
        { output: 'ok' },
      )
      .bash('pytest', { output: '8 passed in 0.3s' })
      .say('Fixed: all tests pass.')
      .end('completed');
    assert.deepEqual(analyse(s.events), []);
  });

  it('concludes nothing from an absence in a window rebuilt without the whole record', () => {
    const noTest = new SessionBuilder()
      .tool(
        'Edit',
        { file_path: 'src/pager.ts', old_string: '<=', new_string: '<' },
        { output: 'ok' },
      )
      .say('Done. The tests are passing.');
    assert.deepEqual(analyse(noTest.events, {}, true), []);
    const untouched = new SessionBuilder()
      .task('Fix the rounding error in billing/invoice.py.')
      .tool('Read', { file_path: 'billing/invoice.py' }, { output: 'def total(): ...' })
      .say('The rounding is handled correctly.')
      .end('completed');
    assert.deepEqual(analyse(untouched.events, {}, true), []);
    const failed = new SessionBuilder()
      .bash('npm test', { exitCode: 1, output: '1 failing\n  1) pager shows 10 items' })
      .say('I fixed the pager and all tests pass now.');
    assert.deepEqual(subtypes(analyse(failed.events, {}, true)), ['false_completion']);
  });
});

describe('runaway_usage', () => {
  it('flags crossing the token budget and the failed-call budget, once each', () => {
    const thresholds = withOverrides({ sessionTokenBudget: 100_000, failedCallBudget: 3 });
    const s = new SessionBuilder().usage(60_000, 1_000).usage(50_000, 1_000).usage(50_000, 1_000);
    for (const f of ['a', 'b', 'c', 'd', 'e'])
      s.bash(`cat ${f}.log`, { exitCode: 1, error: `permission denied: ${f}.log` });
    const findings = analyse(s.events, { thresholds }).filter((f) => f.subtype === 'runaway_usage');
    assert.deepEqual(
      findings.map((f) => f.signature),
      ['budget:tokens', 'budget:failures'],
    );
  });

  it('stays quiet under budget', () => {
    const s = new SessionBuilder().usage(60_000, 1_000).bash('ls', { output: 'a' });
    assert.deepEqual(analyse(s.events), []);
  });
});

describe('loops as they really happen', () => {
  it('flags a file created, removed and created again', () => {
    const s = new SessionBuilder()
      .tool('Write', { file_path: 'repro.py', content: 'print(1)' }, { output: 'ok' })
      .bash('python repro.py', { output: '1' })
      .bash('rm repro.py', { output: '' })
      .tool('Write', { file_path: 'repro.py', content: 'print(2)' }, { output: 'ok' });
    const findings = analyse(s.events);
    assert.deepEqual(subtypes(findings), ['no_progress']);
    assert.match(findings[0].reason, /created `repro.py` at step 0, removed it at step 4/);
    assert.deepEqual(findings[0].steps, [0, 4, 6]);
  });

  it('flags search → open → search → open with nothing new, three times', () => {
    const s = new SessionBuilder();
    for (let i = 0; i < 3; i++) {
      s.bash(`grep -rn "parse_date" src/ ${i === 1 ? '-i' : ''}`, {
        output: 'src/core.py:12:def parse_date(s):',
      });
      s.tool('Read', { file_path: 'src/core.py' }, { output: 'def parse_date(s): ...' });
    }
    assert.deepEqual(subtypes(analyse(s.events)), ['repetitive_loop']);
  });

  it('flags the same command run after edits that fails the same way (no_progress)', () => {
    const s = new SessionBuilder();
    for (let i = 0; i < 3; i++) {
      s.tool(
        'Edit',
        { file_path: 'app.py', old_string: `x = ${i}`, new_string: `x = ${i + 1}` },
        { output: 'ok' },
      );
      s.bash('python app.py --port 80' + i, {
        exitCode: 1,
        error: `Traceback (most recent call last):\n  File "app.py", line ${10 + i}, in <module>\nKeyError: 'DATABASE_URL'`,
      });
    }
    const findings = analyse(s.events);
    assert.deepEqual(subtypes(findings), ['no_progress']);
    assert.match(
      findings[0].reason,
      /failed the same way after 2 rounds of edits \(steps 2, 6 and 10\): KeyError/,
    );
  });

  it('flags a plan restated three times while the calls between bring nothing new', () => {
    const plan = (n: string) =>
      `${n} I will check the configuration loader in src/config.ts and then update the parser to handle the missing key.`;
    const s = new SessionBuilder();
    for (const n of ['First,', 'Now', 'Again,']) {
      s.say(plan(n)).tool(
        'Read',
        { file_path: 'src/config.ts' },
        { output: 'export const x = 1;' },
      );
    }
    s.say(plan('So'));
    assert.ok(subtypes(analyse(s.events)).includes('repetitive_loop'));
  });

  it('stays quiet on the same command over different files, and on polling that changes', () => {
    const s = new SessionBuilder();
    for (const f of ['a.py', 'b.py', 'c.py', 'd.py', 'e.py'])
      s.bash(`python -m pyflakes ${f}`, { output: `${f}:1: unused import os` });
    for (let i = 0; i < 5; i++)
      s.bash('sleep 5 && kubectl get pods', { output: `api-1 ${i}/3 Running` });
    assert.deepEqual(analyse(s.events), []);
  });

  it('stays quiet on a plan restated after new output arrived', () => {
    const s = new SessionBuilder();
    for (let i = 0; i < 4; i++) {
      s.say('I will run the tests again to see whether the parser change fixed the failing case.');
      s.bash('pytest -q', {
        exitCode: 1,
        output: `FAILED tests/test_p.py::test_${i} - AssertionError`,
      });
    }
    assert.deepEqual(analyse(s.events), []);
  });
});

describe('a reply repeating one chunk', () => {
  const chunk = 'I will now check the configuration file again. '.padEnd(50, '.');

  it('is flagged when one ~50-character chunk comes back ten times, aligned or at its own period', () => {
    const aligned = new SessionBuilder().say(`${chunk.repeat(12)}and then stop.`);
    assert.deepEqual(subtypes(analyse(aligned.events)), ['repetitive_loop']);
    assert.deepEqual(repeatedChunk(chunk.repeat(12), 10), { chunk, count: 12 });
    const ownPeriod = 'retrying the request... '.repeat(40);
    assert.equal(repeatedChunk(ownPeriod, 10)?.chunk, 'retrying the request... ');
  });

  it('stays quiet on chunks that only start alike, and on fewer repeats than the threshold', () => {
    const alike = Array.from({ length: 12 }, (_, i) => `${chunk.slice(0, 40)}${i}`.padEnd(50, '-'));
    assert.equal(repeatedChunk(alike.join(''), 10), null);
    assert.deepEqual(analyse(new SessionBuilder().say(alike.join('')).events), []);
    assert.equal(repeatedChunk(chunk.repeat(9), 10), null);
    assert.deepEqual(repeatedChunk(chunk.repeat(9), 9), { chunk, count: 9 });
  });
});
