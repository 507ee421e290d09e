import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { fileURLToPath } from 'node:url';
import { TrajectoryEvent, validate } from '@wink/contracts';
import { importFile, importText, type ImportedSession } from './import-trajectories.js';

const fixture = (name: string) => fileURLToPath(new URL(`../fixtures/${name}`, import.meta.url));

function only(file: string): ImportedSession {
  const { sessions, errors } = importFile(fixture(file));
  assert.deepEqual(errors, []);
  assert.equal(sessions.length, 1);
  return sessions[0];
}

/** Every event valid against the contract, and unchanged through the project's own JSONL. */
function assertRoundTrip(session: ImportedSession): void {
  for (const event of session.events) {
    const checked = validate(TrajectoryEvent, event);
    assert.ok(checked.ok, checked.ok ? '' : `${checked.error.field}: ${checked.error.message}`);
  }
  const jsonl = session.events.map((e) => JSON.stringify(e)).join('\n');
  const back = importText(jsonl, 'roundtrip.jsonl', 'auto');
  assert.deepEqual(back.errors, []);
  assert.deepEqual(back.sessions, [session]);
  assert.deepEqual(
    session.events.map((e) => e.seq),
    session.events.map((_, i) => i),
  );
}

const kinds = (s: ImportedSession) => s.events.map((e) => e.kind);

describe('importers', () => {
  it('reads OpenAI chat-completions messages, marking `Error…` tool replies failed', () => {
    const s = only('openai-messages.json');
    assertRoundTrip(s);
    assert.equal(s.events[0].kind, 'message');
    assert.equal(s.events.find((e) => e.kind === 'task')?.role, 'user');
    const calls = s.events.filter((e) => e.kind === 'tool_call');
    assert.ok(calls.length >= 2);
    assert.equal(typeof calls[0].tool?.args, 'object');
    const failed = s.events.filter((e) => e.kind === 'tool_result' && !e.result?.ok);
    assert.equal(failed.length, 1);
    assert.match(failed[0].result?.output ?? '', /^Error:/);
    assert.equal(failed[0].result?.callId, calls.at(-1)?.tool?.callId);
  });

  it('reads Anthropic messages with tool_use and tool_result blocks', () => {
    const s = only('anthropic-messages.json');
    assertRoundTrip(s);
    assert.deepEqual(kinds(s), [
      'task',
      'message',
      'tool_call',
      'tool_result',
      'tool_call',
      'tool_result',
      'tool_call',
      'tool_result',
      'message',
    ]);
    assert.deepEqual(s.events[2].tool, {
      name: 'str_replace_based_edit_tool',
      args: { command: 'view', path: 'exporter/csv.py' },
      callId: 'toolu_01',
    });
    assert.equal(s.events[5].result?.ok, false);
    assert.match(s.events[5].result?.error ?? '', /not found/);
  });

  it('reads a Claude Code transcript with its session id, times and usage', () => {
    const s = only('claude-code.jsonl');
    assertRoundTrip(s);
    assert.equal(s.sessionId, '5d1c6f0e-2b7a-4c55-9c1e-0f3a9e2d7b41');
    assert.equal(s.events[1].kind, 'task');
    assert.equal(s.events[1].ts, '2026-11-20T09:12:01.120Z');
    assert.ok(s.events.some((e) => e.kind === 'usage' && e.usage?.inputTokens === 5210));
    assert.equal(
      s.events.filter((e) => e.kind === 'tool_result' && e.result?.ok === false).length,
      1,
    );
  });

  it('reads a SWE-agent .traj', () => {
    const s = only('swe-agent.traj');
    assertRoundTrip(s);
    assert.equal(s.events[0].kind, 'task');
    const results = s.events.filter((e) => e.kind === 'tool_result');
    assert.deepEqual(
      results.map((r) => r.result?.ok),
      [true, true, false, true],
    );
    assert.equal(s.events.at(-1)?.kind, 'session_end');
  });

  it('reads an OpenHands event stream, pairing observations with their actions', () => {
    const s = only('openhands.json');
    assertRoundTrip(s);
    assert.deepEqual(kinds(s), [
      'task',
      'tool_call',
      'tool_result',
      'tool_call',
      'tool_result',
      'tool_call',
      'tool_result',
      'message',
      'session_end',
    ]);
    assert.equal(s.events[2].result?.callId, s.events[1].tool?.callId);
    assert.equal(s.events[1].tool?.name, 'run');
  });

  it('reads the project’s own JSONL of TrajectoryEvents', () => {
    const s = only('wink-events.jsonl');
    assertRoundTrip(s);
    assert.equal(s.sessionId, 'sample-looping');
    assert.equal(s.events.length, 18);
  });

  it('names the file and line of a malformed line, and keeps the other sessions', () => {
    const good = JSON.stringify({
      eventId: 'a',
      sessionId: 's',
      seq: 0,
      ts: '2026-11-20T10:00:00Z',
      agent: { name: 'x' },
      kind: 'message',
      text: 'hi',
    });
    const { sessions, errors } = importText(
      `${good}\n{oops\n${good.replace('"seq":0', '"seq":-1')}\n`,
      'mixed.jsonl',
    );
    assert.equal(sessions.length, 1);
    assert.deepEqual(errors, [
      'mixed.jsonl:2: not valid JSON',
      'mixed.jsonl:3: seq: Too small: expected number to be >=0',
    ]);
  });

  it('says so when it cannot tell the format', () => {
    assert.deepEqual(importText('{"hello": 1}', 'odd.json').errors, [
      'odd.json: unknown format (say which with --format)',
    ]);
    assert.deepEqual(importFile('/no/such/file.json').errors.length, 1);
  });
});
