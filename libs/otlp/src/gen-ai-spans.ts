import type { TrajectoryEvent } from '@wink/contracts';
import { attributesOf, int, json, str, type Attrs } from './attributes.js';
import {
  agentInfo,
  byTime,
  clientId,
  environmentOf,
  makeEvent,
  messageText,
  seqFromNanos,
  type EventBody,
  type OtlpMapping,
} from './mapping.js';
import type { OtlpSpan, TraceRequest } from './request.js';

/**
 * Which conversation a trace belongs to, remembered across requests: a trace's tool spans often
 * end (and are exported) before the span that names the conversation.
 */
export interface ConversationMemory {
  get(traceId: string): string | undefined;
  set(traceId: string, conversationId: string): void;
}

type Operation = 'invoke_agent' | 'inference' | 'execute_tool';
const OPERATIONS: Record<string, Operation> = {
  invoke_agent: 'invoke_agent',
  chat: 'inference',
  text_completion: 'inference',
  generate_content: 'inference',
  execute_tool: 'execute_tool',
};
const STATUS_ERROR = 2;
/** The event the current conventions put captured messages on. */
const DETAILS_EVENT = 'gen_ai.client.inference.operation.details';

interface Flat {
  span: OtlpSpan;
  attrs: Attrs;
  resource: Attrs;
  item: number;
}

function operationOf({ span, attrs }: Flat): Operation | undefined {
  const name = str(attrs, 'gen_ai.operation.name') ?? span.name.split(' ')[0];
  return OPERATIONS[name];
}

/** What one trace's spans in this request say about the whole trace. */
interface TraceFacts {
  conversationId?: string;
  agentName?: string;
  model?: string;
}

function conversationOf(attrs: Attrs): string | undefined {
  return str(attrs, 'gen_ai.conversation.id') ?? str(attrs, 'session.id');
}

function traceFacts(spans: Flat[]): Map<string, TraceFacts> {
  const facts = new Map<string, TraceFacts>();
  for (const s of spans) {
    const f = facts.get(s.span.traceId) ?? {};
    f.conversationId ??= conversationOf(s.attrs);
    f.agentName ??= str(s.attrs, 'gen_ai.agent.name');
    f.model ??= str(s.attrs, 'gen_ai.request.model') ?? str(s.attrs, 'gen_ai.response.model');
    facts.set(s.span.traceId, f);
  }
  return facts;
}

/** Messages captured on the span (attribute) or on its operation-details event. */
function capturedMessages(s: Flat, key: 'gen_ai.input.messages' | 'gen_ai.output.messages') {
  const fromEvent = s.span.events.find((e) => e.name === DETAILS_EVENT);
  const value =
    json(s.attrs, key) ?? (fromEvent ? json(attributesOf(fromEvent.attributes), key) : undefined);
  return Array.isArray(value) ? value : [];
}

function roleOf(message: unknown): string | undefined {
  return message && typeof message === 'object' ? (message as { role?: string }).role : undefined;
}

/** The user's request to the agent: the last user message of its input, or a user-message event. */
function taskText(s: Flat): string {
  const user = capturedMessages(s, 'gen_ai.input.messages').filter((m) => roleOf(m) === 'user');
  if (user.length > 0) return messageText(user[user.length - 1]);
  const event = s.span.events.find((e) => e.name === 'gen_ai.user.message');
  return event ? (str(attributesOf(event.attributes), 'content') ?? '') : '';
}

/** What the model answered: text parts of its output messages, or `gen_ai.choice` events. */
function answerText(s: Flat): string {
  const output = capturedMessages(s, 'gen_ai.output.messages')
    .filter((m) => (roleOf(m) ?? 'assistant') === 'assistant')
    .map(messageText);
  const choices = s.span.events
    .filter((e) => e.name === 'gen_ai.choice')
    .map((e) => {
      const a = attributesOf(e.attributes);
      return messageText(json(a, 'message') ?? a.content);
    });
  return [...output, ...choices].filter(Boolean).join('\n');
}

function toolResultText(attrs: Attrs): string | undefined {
  const v = attrs['gen_ai.tool.call.result'];
  if (v === undefined) return undefined;
  return typeof v === 'string' ? v : JSON.stringify(v);
}

function toolArguments(attrs: Attrs): unknown {
  const v = json(attrs, 'gen_ai.tool.call.arguments');
  return v === undefined ? {} : v;
}

function exceptionMessage(span: OtlpSpan): string | undefined {
  const event = span.events.find((e) => e.name === 'exception');
  return event ? str(attributesOf(event.attributes), 'exception.message') : undefined;
}

interface Step {
  suffix: string;
  rank: number;
  nanos: bigint;
  body: EventBody;
}

/** The trajectory steps one GenAI span stands for (empty when it carries nothing to read). */
function stepsOf(op: Operation, s: Flat, notes: Set<string>): Step[] | string {
  const start = BigInt(s.span.startTimeUnixNano);
  const end = BigInt(s.span.endTimeUnixNano);
  if (op === 'invoke_agent') {
    const text = taskText(s);
    if (!text) {
      notes.add(
        'invoke_agent spans carried no input messages: capture message content to see tasks',
      );
      return [];
    }
    return [{ suffix: 'task', rank: 0, nanos: start, body: { kind: 'task', role: 'user', text } }];
  }
  if (op === 'inference') {
    const steps: Step[] = [];
    const text = answerText(s);
    if (text)
      steps.push({
        suffix: 'message',
        rank: 1,
        nanos: end,
        body: { kind: 'message', role: 'assistant', text },
      });
    const input = int(s.attrs, 'gen_ai.usage.input_tokens');
    const output = int(s.attrs, 'gen_ai.usage.output_tokens');
    if (input !== undefined || output !== undefined) {
      steps.push({
        suffix: 'usage',
        rank: 2,
        nanos: end,
        body: {
          kind: 'usage',
          usage: { inputTokens: Math.max(0, input ?? 0), outputTokens: Math.max(0, output ?? 0) },
        },
      });
    }
    return steps;
  }
  const name = str(s.attrs, 'gen_ai.tool.name') ?? s.span.name.split(' ').slice(1).join(' ');
  if (!name) return 'execute_tool span has no gen_ai.tool.name';
  const callId = (str(s.attrs, 'gen_ai.tool.call.id') ?? s.span.spanId).slice(0, 128);
  const failed = s.span.status.code === STATUS_ERROR || str(s.attrs, 'error.type') !== undefined;
  const output = toolResultText(s.attrs);
  const error = failed
    ? s.span.status.message || exceptionMessage(s.span) || str(s.attrs, 'error.type')
    : undefined;
  return [
    {
      suffix: 'call',
      rank: 3,
      nanos: start,
      body: {
        kind: 'tool_call',
        role: 'assistant',
        tool: { name: name.slice(0, 200), args: toolArguments(s.attrs), callId },
      },
    },
    {
      suffix: 'result',
      rank: 4,
      nanos: end,
      body: {
        kind: 'tool_result',
        role: 'tool',
        result: {
          callId,
          ok: !failed,
          ...(output !== undefined ? { output } : {}),
          ...(error ? { error } : {}),
        },
      },
    },
  ];
}

/**
 * The traces of a request that none of its spans or resources names a conversation for: the
 * ones whose conversation must come from memory, if an earlier export named it.
 */
export function tracesWithoutConversation(request: TraceRequest): string[] {
  const named = new Set<string>();
  const all = new Set<string>();
  for (const rs of request.resourceSpans) {
    const fromResource = conversationOf(attributesOf(rs.resource.attributes)) !== undefined;
    for (const ss of rs.scopeSpans) {
      for (const span of ss.spans) {
        all.add(span.traceId);
        if (fromResource || conversationOf(attributesOf(span.attributes)) !== undefined)
          named.add(span.traceId);
      }
    }
  }
  return [...all].filter((t) => !named.has(t));
}

/**
 * GenAI spans (`invoke_agent`, `chat` and the other inference operations, `execute_tool`) as
 * trajectory events. The session is the span's `gen_ai.conversation.id`, else its resource's, else
 * another span's of the same trace (in this request or remembered), else the trace itself. Event
 * ids come from trace and span ids, so a re-sent export yields the same events.
 */
export function tracesToEvents(request: TraceRequest, memory?: ConversationMemory): OtlpMapping {
  const spans: Flat[] = [];
  for (const rs of request.resourceSpans) {
    const resource = attributesOf(rs.resource.attributes);
    for (const ss of rs.scopeSpans) {
      for (const span of ss.spans) {
        spans.push({ span, attrs: attributesOf(span.attributes), resource, item: spans.length });
      }
    }
  }
  const facts = traceFacts(spans);
  for (const [traceId, f] of facts) if (f.conversationId) memory?.set(traceId, f.conversationId);

  const mapping: OtlpMapping = {
    events: [],
    items: spans.length,
    rejected: new Map(),
    ignored: 0,
    notes: new Set(),
  };
  const ordered: Array<Step & { event: TrajectoryEvent; item: number }> = [];
  for (const s of spans) {
    const op = operationOf(s);
    if (!op) {
      mapping.ignored++;
      continue;
    }
    const steps = stepsOf(op, s, mapping.notes);
    if (typeof steps === 'string') {
      mapping.rejected.set(s.item, steps);
      continue;
    }
    const trace = facts.get(s.span.traceId)!;
    const sessionId = clientId(
      conversationOf(s.attrs) ??
        conversationOf(s.resource) ??
        trace.conversationId ??
        memory?.get(s.span.traceId) ??
        `trace-${s.span.traceId}`,
    );
    const agent = agentInfo(
      str(s.attrs, 'gen_ai.agent.name') ??
        trace.agentName ??
        str(s.resource, 'service.name') ??
        'otel-agent',
      str(s.attrs, 'gen_ai.agent.version') ?? str(s.resource, 'service.version'),
      str(s.attrs, 'gen_ai.request.model') ?? str(s.attrs, 'gen_ai.response.model') ?? trace.model,
    );
    const env = environmentOf(s.resource);
    for (const step of steps) {
      const eventId = `${s.span.traceId}:${s.span.spanId}:${step.suffix}`;
      const event = makeEvent(
        { eventId, sessionId, seq: seqFromNanos(step.nanos, step.body.kind), nanos: step.nanos },
        agent,
        env,
        step.body,
      );
      ordered.push({ ...step, event, item: s.item });
    }
  }
  mapping.events = ordered.sort(byTime).map(({ event, item }) => ({ event, item }));
  return mapping;
}
