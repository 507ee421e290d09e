import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { createServer } from 'node:net';
import type { AddressInfo } from 'node:net';
import { FakeChatServer, questionsAsked } from '@wink/judge/testing';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = fileURLToPath(new URL('../../../', import.meta.url));
const wink = (...args: string[]) =>
  spawnSync(process.execPath, [`${ROOT}tools/cli/bin/wink.js`, ...args], {
    encoding: 'utf8',
    cwd: ROOT,
  });

describe('wink analyze', () => {
  it('prints one JSON line per session with its verdicts', () => {
    const run = wink(
      'analyze',
      'samples/looping-session.jsonl',
      'samples/clean-session.jsonl',
      '--json',
    );
    assert.equal(run.status, 0, run.stderr);
    const lines = run.stdout
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l));
    assert.deepEqual(
      lines.map((l) => l.sessionId),
      ['sample-looping', 'sample-clean'],
    );
    assert.deepEqual(
      lines[0].verdicts.map((v: { subtype: string }) => v.subtype),
      ['nonexistent_resource', 'repetitive_loop'],
    );
    assert.deepEqual(Object.keys(lines[0].verdicts[1]).sort(), [
      'category',
      'confidence',
      'detector',
      'fromStep',
      'reason',
      'subtype',
      'toStep',
    ]);
    assert.deepEqual(lines[1].verdicts, []);
  });

  it('names the file and line of bad input, exits non-zero, and still processes the rest', () => {
    const dir = mkdtempSync(join(tmpdir(), 'wink-cli-'));
    const broken = join(dir, 'broken.jsonl');
    const lines = readFileSync(`${ROOT}samples/clean-session.jsonl`, 'utf8').trim().split('\n');
    lines.splice(2, 0, '{"not": "an event"');
    writeFileSync(broken, lines.join('\n'));
    const run = wink(
      'analyze',
      broken,
      join(dir, 'missing.jsonl'),
      'samples/looping-session.jsonl',
    );
    assert.equal(run.status, 1);
    assert.match(run.stderr, new RegExp(`${broken}:3: not valid JSON`));
    assert.match(run.stderr, /missing\.jsonl: cannot read/);
    assert.match(run.stdout, /sample-clean: no misbehaviour found/);
    assert.match(run.stdout, /sample-looping: 2 verdict\(s\)/);
  });

  it('refuses an unknown format with its usage', () => {
    const run = wink('analyze', 'samples/clean-session.jsonl', '--format', 'yaml');
    assert.equal(run.status, 2);
    assert.match(run.stderr, /unknown format yaml/);
  });
});

describe('wink eval', () => {
  it('scores labelled sessions of several formats', () => {
    const dir = mkdtempSync(join(tmpdir(), 'wink-eval-'));
    const file = join(dir, 'labelled.jsonl');
    const events = (name: string) =>
      readFileSync(`${ROOT}samples/${name}`, 'utf8')
        .trim()
        .split('\n')
        .map((l) => JSON.parse(l));
    const anthropic = JSON.parse(
      readFileSync(`${ROOT}libs/importers/fixtures/anthropic-messages.json`, 'utf8'),
    );
    writeFileSync(
      file,
      [
        {
          sessionId: 'loop',
          format: 'wink-events',
          events: events('looping-session.jsonl'),
          labels: [{ category: 'reasoning_problem', subtype: 'repetitive_loop' }],
        },
        {
          sessionId: 'clean',
          format: 'wink-events',
          events: events('clean-session.jsonl'),
          labels: [],
        },
        {
          sessionId: 'csv',
          format: 'anthropic-messages',
          messages: anthropic,
          labels: [{ category: 'tool_call_failure', subtype: 'nonexistent_resource' }],
        },
      ]
        .map((l) => JSON.stringify(l))
        .join('\n'),
    );
    const run = wink('eval', file, '--json');
    assert.equal(run.status, 0, run.stderr);
    const report = JSON.parse(run.stdout);
    assert.equal(report.sessions, 3);
    assert.equal(report.cleanFlagged, 0);
    assert.deepEqual(report.bySubtype.repetitive_loop, {
      support: 1,
      predicted: 1,
      tp: 1,
      precision: 1,
      recall: 1,
      f1: 1,
    });
    assert.equal(report.bySubtype.nonexistent_resource.recall, 1);
    assert.equal(report.bySubtype.nonexistent_resource.precision, 0.5);
    const text = wink('eval', file);
    assert.match(text.stdout, /per subtype/);
    assert.match(text.stdout, /confusion/);
  });
});

describe('a labelled file in another vocabulary', () => {
  const dir = mkdtempSync(join(tmpdir(), 'wink-vocab-'));
  const file = join(dir, 'foreign.jsonl');
  const events = (name: string) =>
    readFileSync(`${ROOT}samples/${name}`, 'utf8')
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l));
  writeFileSync(
    file,
    [
      {
        sessionId: 'loop',
        format: 'wink-events',
        events: events('looping-session.jsonl'),
        labels: [{ category: 'reasoning_problem', subtype: 'Repetition', step: 8 }],
        outcome: 'unresolved',
      },
      {
        sessionId: 'env',
        format: 'wink-events',
        events: events('clean-session.jsonl'),
        labels: [{ failure_category: 'System Failure', step_number: 3 }, 'Follow-up'],
      },
      {
        sessionId: 'clean',
        format: 'wink-events',
        events: events('clean-session.jsonl'),
        labels: [],
        outcome: 'resolved',
      },
    ]
      .map((l) => JSON.stringify(l))
      .join('\n'),
  );

  it('analyze reads every session, with one warning that it ignores the labels', () => {
    const run = wink('analyze', file, '--json');
    assert.equal(run.status, 0, run.stderr);
    assert.deepEqual(
      run.stdout
        .trim()
        .split('\n')
        .map((l) => JSON.parse(l).sessionId),
      ['loop', 'env', 'clean'],
    );
    const warnings = run.stderr.trim().split('\n');
    assert.equal(warnings.length, 1);
    assert.match(
      warnings[0],
      /labels in another vocabulary \(System Failure, Follow-up, "Repetition"\); analyze ignores labels/,
    );
  });

  it('eval maps the labels it can read and reports the rest as unmapped', () => {
    const run = wink('eval', file, '--json');
    assert.equal(run.status, 0, run.stderr);
    const report = JSON.parse(run.stdout);
    assert.equal(report.sessions, 3);
    assert.equal(report.clean, 1, 'a session with only unmapped labels is not counted clean');
    assert.equal(report.succeeded, 1);
    assert.deepEqual(report.bySubtype.repetitive_loop, {
      support: 1,
      predicted: 1,
      tp: 1,
      precision: 1,
      recall: 1,
      f1: 1,
    });
    assert.deepEqual(report.labels, {
      mapped: { '"Repetition" → reasoning_problem/repetitive_loop (sola-st)': 1 },
      unmapped: { 'System Failure': 1, 'Follow-up': 1 },
    });
    const text = wink('eval', file);
    assert.match(
      text.stdout,
      /labels not mapped \(no clear Wink equivalent; left out of the scores\): System Failure ×1, Follow-up ×1/,
    );
  });
});

describe('wink hook', () => {
  it('answers nothing and exits 0 within its budget when Wink does not answer', async () => {
    const sockets: import('node:net').Socket[] = [];
    const blackhole = createServer((socket) => sockets.push(socket));
    await new Promise<void>((r) => blackhole.listen(0, '127.0.0.1', r));
    const url = `http://127.0.0.1:${(blackhole.address() as AddressInfo).port}`;
    const started = Date.now();
    const child = spawn(process.execPath, [`${ROOT}tools/cli/bin/wink.js`, 'hook', 'claude-code'], {
      env: {
        ...process.env,
        WINK_URL: url,
        WINK_GUIDANCE_URL: url,
        WINK_API_KEY: 'k',
        WINK_HOOK_BUDGET_MS: '500',
        WINK_STATE_DIR: mkdtempSync(join(tmpdir(), 'wink-hook-')),
      },
    });
    let stdout = '';
    child.stdout.on('data', (c) => (stdout += c));
    child.stdin.end(
      JSON.stringify({
        session_id: 's-hook',
        hook_event_name: 'PreToolUse',
        tool_name: 'Bash',
        tool_input: { command: 'ls' },
      }),
    );
    const code = await new Promise<number | null>((r) => child.on('exit', r));
    for (const s of sockets) s.destroy();
    blackhole.close();
    assert.equal(code, 0);
    assert.equal(stdout, '');
    // Generous: node start-up plus the 500 ms budget; a hanging hook would never get here.
    assert.ok(Date.now() - started < 5000);
  });
});

describe('wink analyze --judge', () => {
  it('adds confirmed judge verdicts and reports what the judge spent', async () => {
    const server = new FakeChatServer(
      FakeChatServer.answering((question) =>
        question === 'completion'
          ? {
              violation: true,
              evidence_steps: [17],
              reason: 'said done while the test still failed',
            }
          : { violation: false, reason: 'fine' },
      ),
    );
    const url = await server.start();
    try {
      const run = await new Promise<{ code: number | null; stdout: string; stderr: string }>(
        (resolve) => {
          const child = spawn(
            process.execPath,
            [
              `${ROOT}tools/cli/bin/wink.js`,
              'analyze',
              'samples/looping-session.jsonl',
              '--json',
              '--judge',
            ],
            {
              cwd: ROOT,
              env: { ...process.env, JUDGE_BASE_URL: url, JUDGE_MODEL: 'judge-small' },
            },
          );
          let stdout = '';
          let stderr = '';
          child.stdout.on('data', (c) => (stdout += c));
          child.stderr.on('data', (c) => (stderr += c));
          child.on('exit', (code) => resolve({ code, stdout, stderr }));
        },
      );
      assert.equal(run.code, 0, run.stderr);
      const verdicts = JSON.parse(run.stdout).verdicts as Array<{
        detector: string;
        subtype: string;
      }>;
      assert.ok(
        verdicts.some(
          (v) => v.detector === 'llm/judge-small@completion.v2' && v.subtype === 'false_completion',
        ),
      );
      assert.match(
        run.stderr,
        /judge: \d+ calls, \d+ tokens over \d+ steps \(\d+ tokens per 100 steps\)/,
      );
      assert.ok(server.received.length >= 2);
      assert.ok(
        server.received.every((r) => [4, 1].includes(questionsAsked(r).length)),
        'each call asks every question due, or confirms the flagged one',
      );
    } finally {
      await server.stop();
    }
  });
});
