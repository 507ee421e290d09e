import { ROOT_CONTEXT, SpanStatusCode, trace, type Attributes } from '@opentelemetry/api';
import { resourceFromAttributes } from '@opentelemetry/resources';
import {
  InMemoryLogRecordExporter,
  LoggerProvider,
  SimpleLogRecordProcessor,
  type LogRecordExporter,
  type ReadableLogRecord,
} from '@opentelemetry/sdk-logs';
import {
  InMemorySpanExporter,
  SimpleSpanProcessor,
  TracerProvider,
  type ReadableSpan,
  type SpanExporter,
} from '@opentelemetry/sdk-trace';
import type { TrajectoryEvent } from '@wink/contracts';

/** ExportResultCode.SUCCESS of @opentelemetry/core. */
const EXPORT_SUCCESS = 0;

/**
 * An agent run traced with the OpenTelemetry SDK as a GenAI-instrumented agent would be: an
 * `invoke_agent` span holding the task, a `chat` span per model answer or usage report, an
 * `execute_tool` span per tool call (arguments and result captured). The steps come from a
 * trajectory, so the same run can be compared with what Wink makes of the spans.
 */
export function traceAgentRun(steps: TrajectoryEvent[], conversationId: string): ReadableSpan[] {
  const memory = new InMemorySpanExporter();
  const provider = new TracerProvider({
    resource: resourceFromAttributes({
      'service.name': 'otel-agent',
      'deployment.environment.name': 'dev',
    }),
    spanProcessors: [new SimpleSpanProcessor({ exporter: memory })],
  });
  const tracer = provider.getTracer('wink-tests');
  const at = (e: TrajectoryEvent) => new Date(e.ts);
  const agent = steps[0].agent;
  const task = steps.find((e) => e.kind === 'task')!;
  const root = tracer.startSpan(`invoke_agent ${agent.name}`, {
    startTime: at(steps[0]),
    attributes: {
      'gen_ai.operation.name': 'invoke_agent',
      'gen_ai.agent.name': agent.name,
      'gen_ai.conversation.id': conversationId,
      'gen_ai.input.messages': JSON.stringify([
        { role: 'user', parts: [{ type: 'text', content: task.text }] },
      ]),
    },
  });
  const parent = trace.setSpan(ROOT_CONTEXT, root);
  const chat = (e: TrajectoryEvent, attributes: Attributes) =>
    tracer
      .startSpan(
        `chat ${agent.model}`,
        {
          startTime: at(e),
          attributes: {
            'gen_ai.operation.name': 'chat',
            'gen_ai.request.model': agent.model,
            ...attributes,
          },
        },
        parent,
      )
      .end(at(e));
  for (const e of steps) {
    if (e.kind === 'message' || e.kind === 'session_end') {
      chat(e, {
        'gen_ai.output.messages': JSON.stringify([
          { role: 'assistant', parts: [{ type: 'text', content: e.text }] },
        ]),
      });
    } else if (e.kind === 'usage') {
      chat(e, {
        'gen_ai.usage.input_tokens': e.usage!.inputTokens,
        'gen_ai.usage.output_tokens': e.usage!.outputTokens,
      });
    } else if (e.kind === 'tool_call') {
      const result = steps.find(
        (r) => r.kind === 'tool_result' && r.result?.callId === e.tool!.callId,
      )!;
      const span = tracer.startSpan(
        `execute_tool ${e.tool!.name}`,
        {
          startTime: at(e),
          attributes: {
            'gen_ai.operation.name': 'execute_tool',
            'gen_ai.tool.name': e.tool!.name,
            'gen_ai.tool.call.id': e.tool!.callId!,
            'gen_ai.tool.call.arguments': JSON.stringify(e.tool!.args),
            ...(result.result!.output ? { 'gen_ai.tool.call.result': result.result!.output } : {}),
          },
        },
        parent,
      );
      if (!result.result!.ok)
        span.setStatus({ code: SpanStatusCode.ERROR, message: result.result!.error });
      span.end(at(result));
    }
  }
  root.end(at(steps[steps.length - 1]));
  return memory.getFinishedSpans();
}

export interface ClaudeCodeToolUse {
  at: Date;
  command: string;
  error?: string;
}

/** Claude Code's OpenTelemetry log events for a session: a prompt, then one Bash tool result per use. */
export function claudeCodeEvents(
  sessionId: string,
  prompt: string,
  start: Date,
  tools: ClaudeCodeToolUse[],
): ReadableLogRecord[] {
  const memory = new InMemoryLogRecordExporter();
  const provider = new LoggerProvider({
    resource: resourceFromAttributes({ 'service.name': 'claude-code', 'service.version': '2.1.4' }),
    processors: [new SimpleLogRecordProcessor({ exporter: memory })],
  });
  const logger = provider.getLogger('com.anthropic.claude_code.events');
  const common = { 'session.id': sessionId, 'terminal.type': 'vscode' };
  logger.emit({
    eventName: 'claude_code.user_prompt',
    body: 'claude_code.user_prompt',
    timestamp: start,
    attributes: {
      ...common,
      'event.name': 'user_prompt',
      'event.sequence': 0,
      prompt_length: String(prompt.length),
      prompt,
    },
  });
  tools.forEach((tool, i) =>
    logger.emit({
      eventName: 'claude_code.tool_result',
      body: 'claude_code.tool_result',
      timestamp: tool.at,
      attributes: {
        ...common,
        'event.name': 'tool_result',
        'event.sequence': i + 1,
        tool_name: 'Bash',
        success: String(!tool.error),
        duration_ms: '800',
        ...(tool.error ? { error: tool.error } : {}),
        tool_parameters: JSON.stringify({
          bash_command: tool.command.split(' ')[0],
          full_command: tool.command,
        }),
      },
    }),
  );
  return memory.getFinishedLogRecords();
}

export interface CodexToolUse {
  at: Date;
  command: string;
  output: string;
  ok: boolean;
}

/** Codex's OpenTelemetry log events for a conversation: a prompt, a completed response, shell calls. */
export function codexEvents(
  conversationId: string,
  prompt: string,
  start: Date,
  tools: CodexToolUse[],
): ReadableLogRecord[] {
  const memory = new InMemoryLogRecordExporter();
  const provider = new LoggerProvider({
    resource: resourceFromAttributes({ 'service.name': 'codex_cli_rs' }),
    processors: [new SimpleLogRecordProcessor({ exporter: memory })],
  });
  const logger = provider.getLogger('codex_otel');
  const common = {
    'conversation.id': conversationId,
    'app.version': '0.58.0',
    model: 'gpt-5-codex',
  };
  const emit = (name: string, at: Date, attributes: Attributes) =>
    logger.emit({
      timestamp: at,
      body: name,
      attributes: {
        ...common,
        'event.name': name,
        'event.timestamp': at.toISOString(),
        ...attributes,
      },
    });
  emit('codex.user_prompt', start, { prompt_length: String(prompt.length), prompt });
  emit('codex.sse_event', new Date(start.getTime() + 1000), {
    'event.kind': 'response.completed',
    input_token_count: '5400',
    output_token_count: '220',
  });
  tools.forEach((tool, i) =>
    emit('codex.tool_result', tool.at, {
      tool_name: 'shell',
      call_id: `call_${i}`,
      arguments: JSON.stringify({ command: ['bash', '-lc', tool.command] }),
      duration_ms: '600',
      success: String(tool.ok),
      output: tool.output,
    }),
  );
  return memory.getFinishedLogRecords();
}

/** Sends items through a real OTLP exporter once; rejects unless the exporter reports success. */
export function exportOnce<T>(
  exporter: SpanExporter | LogRecordExporter,
  items: T[],
): Promise<void> {
  return new Promise((resolve, reject) =>
    (exporter.export as (items: T[], done: (r: { code: number; error?: Error }) => void) => void)(
      items,
      (result) =>
        result.code === EXPORT_SUCCESS
          ? resolve()
          : reject(result.error ?? new Error('export failed')),
    ),
  );
}
