import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { TrajectoryEvent, validate } from '@wink/contracts';
import { logsToEvents } from './agent-logs.js';
import { partialSuccessOf, readExport } from './read-export.js';
import { parseLogsRequest } from './request.js';
import { claudeCodeTurn, codexTurn, SESSION, T0 } from './testing/fixtures.js';
import { logRecord, logsRequest, nanos } from './testing/otlp-json.js';

function mapped(body: unknown) {
  const request = parseLogsRequest(body);
  assert.ok(request.ok, JSON.stringify(request));
  return logsToEvents(request.value);
}

describe('logsToEvents (coding agents’ own telemetry)', () => {
  it('reads a Claude Code turn: the prompt as the task, API usage, the tool as a call and its result', () => {
    const { events, ignored, rejected } = mapped(claudeCodeTurn());
    assert.equal(ignored, 1, 'tool_decision says nothing about the trajectory');
    assert.equal(rejected.size, 0);
    const list = events.map((e) => e.event);
    assert.deepEqual(
      list.map((e) => [e.kind, e.seq]),
      [
        ['task', 0],
        ['usage', 2],
        ['tool_call', 4],
        ['tool_result', 5],
      ],
      'seq follows event.sequence, two steps per tool result',
    );
    for (const event of list) {
      assert.ok(validate(TrajectoryEvent, event).ok, JSON.stringify(event));
      assert.equal(event.sessionId, SESSION);
      assert.equal(event.agent.name, 'claude-code');
      assert.equal(event.agent.version, '2.1.4');
    }
    const [task, usage, call, result] = list;
    assert.equal(task.text, 'Fix the ISO week date parser');
    assert.equal(usage.agent.model, 'claude-sonnet-4-5');
    assert.deepEqual(usage.usage, { inputTokens: 21_512, outputTokens: 310 });
    assert.deepEqual(call.tool, {
      name: 'Bash',
      args: { command: 'python -m pytest tests/test_core.py -q', description: 'Run the tests' },
    });
    assert.equal(
      Date.parse(result.ts) - Date.parse(call.ts),
      1500,
      'the call started duration_ms earlier',
    );
    assert.deepEqual(result.result, { ok: false, error: 'Exit code 1' });
  });

  it('reads a Codex turn, and says the redacted prompt was not used', () => {
    const read = readExport('logs', codexTurn());
    assert.ok(read.ok);
    const list = read.value.events.map((e) => e.event);
    assert.deepEqual(
      list.map((e) => e.kind),
      ['usage', 'tool_call', 'tool_result'],
    );
    assert.deepEqual(list[0].usage, { inputTokens: 5400, outputTokens: 220 });
    assert.deepEqual(list[1].tool, {
      name: 'shell',
      args: { command: ['bash', '-lc', 'pytest -q'], workdir: '/repo' },
      callId: 'call_Xk2',
    });
    assert.deepEqual(list[2].result, { callId: 'call_Xk2', ok: true, output: '3 passed in 0.41s' });
    assert.equal(list[0].sessionId, '0199a1b2-c3d4-7e5f-8a9b-0c1d2e3f4a5b');
    assert.deepEqual(
      list.map((e) => [e.agent.name, e.agent.model]),
      Array(3).fill(['codex', 'gpt-5-codex']),
    );
    assert.equal(
      list[2].seq - list[0].seq,
      4 * 4_000_000 + 2,
      'seq counts microseconds (times four) when there is no sequence, a result 2 slots after usage',
    );
    assert.deepEqual(partialSuccessOf('logs', read.value), {
      rejected: 0,
      errorMessage:
        '1 log record(s) ignored: not GenAI agent telemetry Wink reads. ' +
        'user prompts arrived redacted: set log_user_prompt = true under [otel] to see tasks',
    });
  });

  it('gives a re-sent export the same ids, and different records different ids', () => {
    const once = mapped(claudeCodeTurn()).events.map((e) => e.event.eventId);
    assert.deepEqual(
      mapped(claudeCodeTurn()).events.map((e) => e.event.eventId),
      once,
    );
    assert.equal(new Set(once).size, once.length);
  });

  it('rejects agent events it cannot key or time, and ignores other logs', () => {
    const body = logsRequest({ 'service.name': 'claude-code' }, [
      logRecord(nanos(T0, 1), 'claude_code.tool_result', { tool_name: 'Read', success: 'true' }),
      {
        body: { stringValue: 'claude_code.user_prompt' },
        attributes: [{ key: 'session.id', value: { stringValue: 's' } }],
      },
      logRecord(nanos(T0, 2), 'GET /health 200', { 'http.route': '/health' }),
    ]);
    const read = readExport('logs', body);
    assert.ok(read.ok);
    assert.equal(read.value.events.length, 0);
    assert.deepEqual(partialSuccessOf('logs', read.value), {
      rejected: 2,
      errorMessage:
        '2 log record(s) rejected: claude_code.tool_result has no session.id attribute; ' +
        'claude_code.user_prompt has no usable time (timeUnixNano, observedTimeUnixNano or event.timestamp). ' +
        '1 log record(s) ignored: not GenAI agent telemetry Wink reads',
    });
  });

  it('answers a malformed logs request with the path of its first bad field', () => {
    const body = claudeCodeTurn() as {
      resourceLogs: Array<{ scopeLogs: Array<{ logRecords: unknown[] }> }>;
    };
    body.resourceLogs[0].scopeLogs[0].logRecords[1] = { timeUnixNano: '12x', attributes: [] };
    assert.deepEqual(readExport('logs', body), {
      ok: false,
      error: {
        field: 'resourceLogs[0].scopeLogs[0].logRecords[1].timeUnixNano',
        message: 'must be a non-negative decimal integer (Unix nanoseconds)',
      },
    });
  });
});
