/** Realistic exports: a GenAI-instrumented agent run, a Claude Code turn, a Codex turn. */
import { logRecord, logsRequest, nanos, span, traceRequest } from './otlp-json.js';

export const T0 = new Date('2026-11-20T14:03:00Z');
export const TRACE = '5b8efff798038103d269b633813fc60c';
export const RESOURCE = {
  'service.name': 'repo-fixer',
  'service.version': '1.4.0',
  'deployment.environment.name': 'staging',
};

/** One agent run as a GenAI-instrumented framework traces it: the agent, two model calls, two tools. */
export function agentRun() {
  const input = JSON.stringify([
    { role: 'system', parts: [{ type: 'text', content: 'You fix bugs.' }] },
    { role: 'user', parts: [{ type: 'text', content: 'Make tests/test_core.py pass.' }] },
  ]);
  return traceRequest(RESOURCE, [
    span({
      traceId: TRACE,
      spanId: '0000000000000011',
      parentSpanId: '0000000000000010',
      name: 'chat claude-sonnet-4-5',
      start: nanos(T0, 1),
      end: nanos(T0, 3),
      attributes: {
        'gen_ai.operation.name': 'chat',
        'gen_ai.request.model': 'claude-sonnet-4-5',
        'gen_ai.usage.input_tokens': 1200,
        'gen_ai.usage.output_tokens': 80,
        'gen_ai.output.messages': JSON.stringify([
          {
            role: 'assistant',
            parts: [
              { type: 'text', content: 'Running the tests first.' },
              {
                type: 'tool_call',
                id: 'call_1',
                name: 'bash',
                arguments: { command: 'pytest -q' },
              },
            ],
          },
        ]),
      },
    }),
    span({
      traceId: TRACE,
      spanId: '0000000000000012',
      parentSpanId: '0000000000000010',
      name: 'execute_tool bash',
      start: nanos(T0, 3),
      end: nanos(T0, 5),
      attributes: {
        'gen_ai.operation.name': 'execute_tool',
        'gen_ai.tool.name': 'bash',
        'gen_ai.tool.call.id': 'call_1',
        'gen_ai.tool.call.arguments': '{"command":"pytest -q"}',
        'gen_ai.tool.call.result': '1 failed, 3 passed',
      },
    }),
    span({
      traceId: TRACE,
      spanId: '0000000000000013',
      parentSpanId: '0000000000000010',
      name: 'execute_tool read_file',
      start: nanos(T0, 6),
      end: nanos(T0, 7),
      error: 'No such file or directory: src/dateparse/utils.py',
      attributes: {
        'gen_ai.operation.name': 'execute_tool',
        'gen_ai.tool.name': 'read_file',
        'gen_ai.tool.call.id': 'call_2',
        'error.type': 'FileNotFoundError',
      },
    }),
    span({
      traceId: TRACE,
      spanId: '00000000000000aa',
      parentSpanId: '0000000000000012',
      name: 'GET',
      start: nanos(T0, 3.5),
      end: nanos(T0, 4),
      attributes: { 'http.request.method': 'GET', 'url.full': 'https://pypi.org/simple' },
    }),
    span({
      traceId: TRACE,
      spanId: '0000000000000010',
      name: 'invoke_agent repo-fixer',
      start: nanos(T0, 0),
      end: nanos(T0, 8),
      attributes: {
        'gen_ai.operation.name': 'invoke_agent',
        'gen_ai.agent.name': 'repo-fixer',
        'gen_ai.conversation.id': 'conv-42',
        'gen_ai.input.messages': input,
      },
    }),
  ]);
}

export const SESSION = '1f0c6a4e-8a43-4d47-9a35-5a0b0b1c2d3e';

/** Claude Code's events for one prompt, as its OTLP logs exporter sends them (values as strings). */
export function claudeCodeTurn() {
  const common = { 'session.id': SESSION, 'prompt.id': 'p-1', 'terminal.type': 'vscode' };
  return logsRequest({ 'service.name': 'claude-code', 'service.version': '2.1.4' }, [
    logRecord(nanos(T0, 0), 'claude_code.user_prompt', {
      ...common,
      'event.name': 'user_prompt',
      'event.timestamp': T0.toISOString(),
      'event.sequence': 0,
      prompt_length: '27',
      prompt: 'Fix the ISO week date parser',
    }),
    logRecord(nanos(T0, 4), 'claude_code.api_request', {
      ...common,
      'event.name': 'api_request',
      'event.sequence': 1,
      model: 'claude-sonnet-4-5',
      input_tokens: '12',
      output_tokens: '310',
      cache_read_tokens: '20000',
      cache_creation_tokens: '1500',
      cost_usd: '0.0123',
      duration_ms: '3900',
    }),
    logRecord(nanos(T0, 7), 'claude_code.tool_result', {
      ...common,
      'event.name': 'tool_result',
      'event.sequence': 2,
      tool_name: 'Bash',
      success: 'false',
      duration_ms: '1500',
      error: 'Exit code 1',
      tool_parameters: JSON.stringify({
        bash_command: 'python',
        full_command: 'python -m pytest tests/test_core.py -q',
        description: 'Run the tests',
      }),
    }),
    logRecord(nanos(T0, 8), 'claude_code.tool_decision', {
      ...common,
      'event.name': 'tool_decision',
      'event.sequence': 3,
      tool_name: 'Edit',
      decision: 'accept',
      source: 'config',
    }),
  ]);
}

/** Codex's events for one turn: its prompt redacted by default, a shell call, the completed response. */
export function codexTurn() {
  const common = {
    'conversation.id': '0199a1b2-c3d4-7e5f-8a9b-0c1d2e3f4a5b',
    'app.version': '0.58.0',
    model: 'gpt-5-codex',
  };
  return logsRequest({ 'service.name': 'codex_cli_rs' }, [
    logRecord(nanos(T0, 0), 'codex.user_prompt', {
      ...common,
      'event.name': 'codex.user_prompt',
      prompt: '[REDACTED]',
      prompt_length: '31',
    }),
    logRecord(nanos(T0, 5), 'codex.sse_event', {
      ...common,
      'event.name': 'codex.sse_event',
      'event.kind': 'response.completed',
      input_token_count: '5400',
      output_token_count: '220',
      cached_token_count: '4000',
    }),
    logRecord(nanos(T0, 6), 'codex.sse_event', {
      ...common,
      'event.name': 'codex.sse_event',
      'event.kind': 'response.output_item.done',
      duration_ms: '2',
    }),
    logRecord(nanos(T0, 9), 'codex.tool_result', {
      ...common,
      'event.name': 'codex.tool_result',
      tool_name: 'shell',
      call_id: 'call_Xk2',
      arguments: '{"command":["bash","-lc","pytest -q"],"workdir":"/repo"}',
      duration_ms: '2400',
      success: 'true',
      output: '3 passed in 0.41s',
    }),
  ]);
}
