import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { TrajectoryEvent, validate } from '@wink/contracts';
import { partialSuccessOf, readExport } from './read-export.js';
import {
  tracesToEvents,
  tracesWithoutConversation,
  type ConversationMemory,
} from './gen-ai-spans.js';
import { parseTraceRequest } from './request.js';
import { agentRun, RESOURCE, T0, TRACE } from './testing/fixtures.js';
import { nanos, span, traceRequest } from './testing/otlp-json.js';

type Raw = {
  resourceSpans: Array<{ scopeSpans: Array<{ spans: Array<Record<string, unknown>> }> }>;
};

function parsed(body: unknown) {
  const result = parseTraceRequest(body);
  assert.ok(result.ok, JSON.stringify(result));
  return result.value;
}

describe('tracesToEvents (GenAI semantic conventions)', () => {
  it('turns an agent run into task, message, usage, tool call and result events, in time order', () => {
    const { events, ignored, rejected } = tracesToEvents(parsed(agentRun()));
    assert.equal(ignored, 1, 'the HTTP span is not agent telemetry');
    assert.equal(rejected.size, 0);
    assert.deepEqual(
      events.map(({ event }) => [
        event.kind,
        event.text ?? event.tool?.name ?? event.result?.ok ?? event.usage,
      ]),
      [
        ['task', 'Make tests/test_core.py pass.'],
        ['message', 'Running the tests first.'],
        ['usage', { inputTokens: 1200, outputTokens: 80 }],
        ['tool_call', 'bash'],
        ['tool_result', true],
        ['tool_call', 'read_file'],
        ['tool_result', false],
      ],
    );
    for (const { event } of events) {
      assert.ok(validate(TrajectoryEvent, event).ok, JSON.stringify(event));
      assert.equal(
        event.sessionId,
        'conv-42',
        'child spans join the conversation their root names',
      );
      assert.equal(event.env, 'staging');
      assert.equal(event.agent.name, 'repo-fixer');
      assert.equal(event.agent.version, '1.4.0');
      assert.equal(event.agent.model, 'claude-sonnet-4-5');
    }
    const [, , , call, ok, , failed] = events.map((e) => e.event);
    assert.deepEqual(call.tool, { name: 'bash', args: { command: 'pytest -q' }, callId: 'call_1' });
    assert.deepEqual(ok.result, { callId: 'call_1', ok: true, output: '1 failed, 3 passed' });
    assert.deepEqual(failed.result, {
      callId: 'call_2',
      ok: false,
      error: 'No such file or directory: src/dateparse/utils.py',
    });
    const seqs = events.map((e) => e.event.seq);
    assert.deepEqual(
      [...seqs].sort((a, b) => a - b),
      seqs,
      'seq follows time',
    );
    assert.equal(
      seqs[6] - seqs[0],
      7 * 4_000_000 + 3,
      'seq counts microseconds (times four), a result in the last slot',
    );
  });

  it('gives a re-sent export the same event ids and seqs', () => {
    const once = tracesToEvents(parsed(agentRun())).events.map((e) => e.event);
    const again = tracesToEvents(parsed(agentRun())).events.map((e) => e.event);
    assert.deepEqual(again, once);
    assert.equal(new Set(once.map((e) => e.eventId)).size, once.length);
    assert.equal(once[3].eventId, `${TRACE}:0000000000000012:call`);
  });

  it('keys a tool span exported before its conversation is named by the trace, then by memory', () => {
    const run = agentRun();
    const spans = run.resourceSpans[0].scopeSpans[0].spans;
    const toolOnly = traceRequest(RESOURCE, [spans[1]]);
    const alone = tracesToEvents(parsed(toolOnly)).events;
    assert.equal(alone[0].event.sessionId, `trace-${TRACE}`);

    const memory = new Map<string, string>();
    const remembered: ConversationMemory = {
      get: (t) => memory.get(t),
      set: (t, c) => memory.set(t, c),
    };
    tracesToEvents(parsed(traceRequest(RESOURCE, [spans[0], spans[4]])), remembered);
    const later = tracesToEvents(parsed(toolOnly), remembered).events;
    assert.equal(later[0].event.sessionId, 'conv-42');
  });

  it('lists the traces whose conversation must come from memory', () => {
    const spans = agentRun().resourceSpans[0].scopeSpans[0].spans;
    assert.deepEqual(tracesWithoutConversation(parsed(traceRequest(RESOURCE, spans))), []);
    assert.deepEqual(tracesWithoutConversation(parsed(traceRequest(RESOURCE, [spans[1]]))), [
      TRACE,
    ]);
    const named = traceRequest({ ...RESOURCE, 'gen_ai.conversation.id': 'c-1' }, [spans[1]]);
    assert.deepEqual(tracesWithoutConversation(parsed(named)), [], 'the resource names it');
  });

  it('reads the older per-message span events and tool spans without call ids', () => {
    const body = traceRequest({ 'service.name': 'legacy-agent' }, [
      span({
        traceId: TRACE,
        spanId: '0000000000000021',
        name: 'chat gpt-4o',
        start: nanos(T0, 1),
        end: nanos(T0, 2),
        attributes: { 'gen_ai.conversation.id': 'c-7', 'gen_ai.response.model': 'gpt-4o' },
        events: [
          {
            name: 'gen_ai.choice',
            time: nanos(T0, 2),
            attributes: { message: '{"content":"Done."}' },
          },
        ],
      }),
      span({
        traceId: TRACE,
        spanId: '0000000000000022',
        name: 'execute_tool grep',
        start: nanos(T0, 2),
        end: nanos(T0, 3),
        attributes: { 'gen_ai.conversation.id': 'c-7' },
      }),
    ]);
    const events = tracesToEvents(parsed(body)).events.map((e) => e.event);
    assert.deepEqual(
      events.map((e) => [e.kind, e.text ?? e.tool?.name, e.agent.name, e.agent.model]),
      [
        ['message', 'Done.', 'legacy-agent', 'gpt-4o'],
        ['tool_call', 'grep', 'legacy-agent', 'gpt-4o'],
        ['tool_result', undefined, 'legacy-agent', 'gpt-4o'],
      ],
    );
    assert.equal(events[1].tool?.callId, '0000000000000022');
    assert.deepEqual(events[1].tool?.args, {});
  });

  it('rejects a tool span that names no tool, and says why in the partial success', () => {
    const body = traceRequest(RESOURCE, [
      span({
        traceId: TRACE,
        spanId: '0000000000000031',
        name: 'execute_tool',
        start: nanos(T0, 1),
        end: nanos(T0, 2),
        attributes: { 'gen_ai.operation.name': 'execute_tool' },
      }),
      span({
        traceId: TRACE,
        spanId: '0000000000000032',
        name: 'invoke_agent',
        start: nanos(T0, 0),
        end: nanos(T0, 3),
        attributes: { 'gen_ai.operation.name': 'invoke_agent' },
      }),
    ]);
    const read = readExport('traces', body);
    assert.ok(read.ok);
    assert.equal(read.value.events.length, 0);
    assert.deepEqual(partialSuccessOf('traces', read.value), {
      rejected: 1,
      errorMessage:
        '1 span(s) rejected: execute_tool span has no gen_ai.tool.name. ' +
        'invoke_agent spans carried no input messages: capture message content to see tasks',
    });
  });

  it('answers a malformed request with the path of its first bad field', () => {
    const body = agentRun() as unknown as Raw;
    body.resourceSpans[0].scopeSpans[0].spans[2].traceId = 'not-hex';
    assert.deepEqual(readExport('traces', body), {
      ok: false,
      error: {
        field: 'resourceSpans[0].scopeSpans[0].spans[2].traceId',
        message: 'must be 32 hex digits (16 bytes)',
      },
    });
    const late = agentRun() as unknown as Raw;
    late.resourceSpans[0].scopeSpans[0].spans[0].startTimeUnixNano = -5;
    const result = readExport('traces', late);
    assert.equal(result.ok, false);
    assert.equal(
      !result.ok && result.error.field,
      'resourceSpans[0].scopeSpans[0].spans[0].startTimeUnixNano',
    );
    const future = agentRun() as unknown as Raw;
    future.resourceSpans[0].scopeSpans[0].spans[1].endTimeUnixNano = '99999999999999999999999';
    assert.deepEqual(readExport('traces', future), {
      ok: false,
      error: {
        field: 'resourceSpans[0].scopeSpans[0].spans[1].endTimeUnixNano',
        message: 'must be a time before 2090 (Unix nanoseconds)',
      },
    });
    assert.deepEqual(readExport('traces', { resourceSpans: 'x' }), {
      ok: false,
      error: { field: 'resourceSpans', message: 'Invalid input: expected array, received string' },
    });
  });

  it('accepts an empty export, as OTLP requires', () => {
    const read = readExport('traces', {});
    assert.ok(read.ok);
    assert.equal(read.value.items, 0);
    assert.equal(partialSuccessOf('traces', read.value), null);
  });
});
