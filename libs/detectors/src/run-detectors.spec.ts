import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { fileURLToPath } from 'node:url';
import { DETECTORS, observe } from './run-detectors.js';
import { DEFAULT_THRESHOLDS } from './thresholds.js';
import { SessionWindow } from './session-window.js';
import { SessionBuilder, readEventsFile } from './testing/session-builder.js';
import { analyse, subtypes } from './testing/analyse.js';

const samples = fileURLToPath(new URL('../../../samples/', import.meta.url));

describe('bundled samples', () => {
  it('flags the looping sample: a missing file, then the same failing test run', () => {
    const findings = analyse(readEventsFile(`${samples}/looping-session.jsonl`));
    assert.deepEqual(subtypes(findings), ['nonexistent_resource', 'repetitive_loop']);
    const loop = findings[1];
    assert.equal(loop.fromSeq, 6);
    assert.equal(loop.toSeq, 12);
    assert.match(
      loop.reason,
      /python -m pytest tests\/test_core.py -q` 3 times in a row and it failed/,
    );
    assert.equal(findings[0].signature, 'missing:path:src/dateparse/utils.py');
  });

  it('stays quiet on the clean sample', () => {
    assert.deepEqual(analyse(readEventsFile(`${samples}/clean-session.jsonl`)), []);
  });
});

describe('observe', () => {
  it('asks each detector only about its step types, at which alone it finds anything in these sessions', () => {
    const built = new SessionBuilder().task(
      'Fix the failing date parser test in tests/test_core.py.',
    );
    for (let i = 0; i < 4; i++)
      built.bash('python -m pytest tests/test_core.py -q', {
        exitCode: 1,
        output: 'FAILED tests/test_core.py::test_parse - AssertionError: assert 1 == 2',
      });
    built.say('All tests pass now, the fix is complete.').usage(2_500_000, 1_000);
    built.bash('git push --force origin main', { output: '' }).end('completed');
    const sessions = [
      readEventsFile(`${samples}/looping-session.jsonl`),
      readEventsFile(`${samples}/clean-session.jsonl`),
      built.events,
    ];
    const types = new Set<string>();
    let found = 0;
    for (const events of sessions) {
      const window = new SessionWindow();
      const observed = new SessionWindow();
      for (const event of events) {
        const fromObserve = observe(observed, event);
        const step = window.push(event);
        if (!step) continue;
        const input = { window, step, thresholds: DEFAULT_THRESHOLDS };
        const expected = [];
        for (const d of DETECTORS) {
          const findings = d.detect(input);
          if (d.stepTypes.includes(step.type)) expected.push(...findings);
          else assert.deepEqual(findings, [], `${d.name} found something at a ${step.type}`);
        }
        assert.deepEqual(fromObserve, expected);
        found += expected.length;
        if (expected.length > 0) types.add(step.type);
      }
    }
    assert.deepEqual([...types].sort(), ['call', 'end', 'message', 'result', 'usage']);
    assert.ok(found >= 5);
  });
});

describe('repetitive_loop', () => {
  it('flags an identical call with an identical result four times in a row', () => {
    const s = new SessionBuilder().task('Summarise the config loader.');
    for (let i = 0; i < 4; i++)
      s.tool('Read', { file_path: 'src/config.ts' }, { output: 'export const x = 1;' });
    const findings = analyse(s.events);
    assert.deepEqual(subtypes(findings), ['repetitive_loop']);
    assert.equal(findings[0].fromSeq, 1);
    assert.equal(findings[0].toSeq, 8);
  });

  it('does not flag three identical successful calls', () => {
    const s = new SessionBuilder();
    for (let i = 0; i < 3; i++) s.tool('Read', { file_path: 'src/config.ts' }, { output: 'x' });
    assert.deepEqual(analyse(s.events), []);
  });

  it('flags again only when the loop goes on for another full run', () => {
    const s = new SessionBuilder();
    for (let i = 0; i < 7; i++) s.bash('make', { exitCode: 2, error: 'make: *** [all] Error 2' });
    assert.equal(analyse(s.events).length, 2);
  });

  it('stays quiet while polling a rollout whose output changes', () => {
    const s = new SessionBuilder().task('Deploy the api and wait until it is ready.');
    s.bash('kubectl apply -f k8s/api.yaml', { output: 'deployment.apps/api configured' });
    for (let i = 1; i <= 6; i++) {
      s.bash('kubectl rollout status deploy/api --timeout=10s', {
        exitCode: 1,
        output: `Waiting for deployment "api" rollout to finish: ${i} of 6 updated replicas are available...`,
        error: 'error: timed out waiting for the condition',
      });
    }
    s.bash('kubectl rollout status deploy/api --timeout=10s', {
      output: 'deployment "api" successfully rolled out',
    });
    assert.deepEqual(analyse(s.events), []);
  });

  it('stays quiet while waiting for a health endpoint that refuses, then answers', () => {
    const s = new SessionBuilder();
    s.bash('npm run start &', { output: '' });
    for (let i = 0; i < 8; i++) {
      s.bash('curl -sf http://localhost:3000/health', {
        exitCode: 7,
        error: 'curl: (7) Failed to connect to localhost port 3000: Connection refused',
      });
    }
    s.bash('curl -sf http://localhost:3000/health', { output: '{"status":"ok"}' });
    assert.deepEqual(analyse(s.events), []);
  });

  it('stays quiet on the same command over different files', () => {
    const s = new SessionBuilder();
    for (const f of ['a.py', 'b.py', 'c.py', 'd.py', 'e.py']) {
      s.bash(`ruff check src/${f}`, { output: 'All checks passed!' });
    }
    assert.deepEqual(analyse(s.events), []);
  });

  it('stays quiet on tests re-run after different edits', () => {
    const s = new SessionBuilder();
    for (let i = 0; i < 4; i++) {
      s.tool(
        'Edit',
        { file_path: 'src/parse.ts', old_string: `v${i}`, new_string: `v${i + 1}` },
        { output: 'updated' },
      );
      s.bash('npm test', { exitCode: 1, output: `1 failing: expected ${i} to equal 4` });
    }
    assert.deepEqual(analyse(s.events), []);
  });

  it('stays quiet when a repeated call’s long output changes only in its middle', () => {
    const s = new SessionBuilder();
    for (let i = 0; i < 5; i++) {
      const middle = `line ${100 + i}: expected ${i}`;
      s.tool(
        'write_fix',
        { file: 'Parser.java', patch: '+ if (x == null) return;' },
        {
          output: `Your fix did not pass the tests.\n${'.'.repeat(1400)}\n${middle}\n${'.'.repeat(1400)}\nEnd of report.`,
        },
      );
    }
    assert.deepEqual(analyse(s.events), []);
  });

  it('stays quiet on a retried build that then succeeds', () => {
    const s = new SessionBuilder();
    s.bash('npm run build', { exitCode: 1, error: 'ETIMEDOUT fetching registry' });
    s.bash('npm run build', { exitCode: 1, error: 'ETIMEDOUT fetching registry' });
    s.bash('npm run build', { output: 'built in 3.2s' });
    assert.deepEqual(analyse(s.events), []);
  });
});

describe('nonexistent_resource', () => {
  const cases: Array<[string, { exitCode?: number; error?: string; output?: string }, string]> = [
    [
      'cat docs/SETUP.md',
      { exitCode: 1, error: 'cat: docs/SETUP.md: No such file or directory' },
      'missing:path:docs/SETUP.md',
    ],
    [
      'pnpm test',
      { exitCode: 127, error: 'bash: line 1: pnpm: command not found' },
      'missing:command:pnpm',
    ],
    [
      'python -m app',
      { exitCode: 1, error: "ModuleNotFoundError: No module named 'app.settings'" },
      'missing:module:app.settings',
    ],
    [
      'node scripts/seed.js',
      { exitCode: 1, error: "Error: Cannot find module '/repo/scripts/seed.js'" },
      'missing:module:/repo/scripts/seed.js',
    ],
    ['frobnicate --all', { exitCode: 127, error: '' }, 'missing:command:frobnicate'],
    [
      'git checkout fix/parser',
      { exitCode: 1, error: "error: pathspec 'fix/parser' did not match any file(s) known to git" },
      'missing:ref:fix/parser',
    ],
  ];
  for (const [command, result, signature] of cases) {
    it(`flags \`${command}\``, () => {
      const findings = analyse(new SessionBuilder().bash(command, result).events);
      assert.deepEqual(subtypes(findings), ['nonexistent_resource']);
      assert.equal(findings[0].signature, signature);
    });
  }

  it('flags a 404 from a fetch tool', () => {
    const s = new SessionBuilder().tool(
      'WebFetch',
      { url: 'https://docs.example.com/v3/api' },
      {
        ok: false,
        error: 'Request failed with status code 404 Not Found',
      },
    );
    assert.deepEqual(subtypes(analyse(s.events)), ['nonexistent_resource']);
  });

  it('stays quiet on a grep that matched nothing and on a successful call mentioning a missing file', () => {
    const s = new SessionBuilder()
      .bash('grep -rn "TODO(parser)" src', { exitCode: 1, output: '' })
      .bash('test -f .env || cp .env.example .env', { output: '' })
      .bash('cat build.log', {
        output: 'warning: optional.cfg: No such file or directory (using defaults)',
      });
    assert.deepEqual(analyse(s.events), []);
  });
});

describe('SessionWindow', () => {
  it('keeps at most `capacity` actions', () => {
    const window = new SessionWindow(8);
    const s = new SessionBuilder();
    for (let i = 0; i < 50; i++) s.bash(`echo ${i}`, { output: `${i}` });
    for (const e of s.events) observe(window, e);
    assert.equal(window.actions.length, 8);
    assert.equal(window.lastSeq, 99);
  });
});
