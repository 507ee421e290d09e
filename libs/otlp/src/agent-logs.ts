import { deterministicUuid, MAX_SEQ, type TrajectoryEvent } from '@wink/contracts';
import { attributesOf, bool, int, json, plainValue, str, type Attrs } from './attributes.js';
import {
  LATEST_NANOS,
  agentInfo,
  byTime,
  clientId,
  environmentOf,
  makeEvent,
  seqFromNanos,
  type EventBody,
  type OtlpMapping,
} from './mapping.js';
import type { LogsRequest, OtlpLogRecord } from './request.js';

/** The coding agents whose own OpenTelemetry log events Wink reads. */
const AGENTS = {
  claude_code: { agent: 'claude-code', session: 'session.id', service: /^claude[-_]code/ },
  codex: { agent: 'codex', session: 'conversation.id', service: /^codex/ },
} as const;
type Family = keyof typeof AGENTS;

/** `claude_code.tool_result` etc., from the record's event name, its `event.name` or its body. */
function eventOf(
  record: OtlpLogRecord,
  attrs: Attrs,
  resource: Attrs,
): { family: Family; name: string } | null {
  const service = str(resource, 'service.name') ?? '';
  const candidates = [record.eventName, str(attrs, 'event.name'), plainValue(record.body)];
  for (const candidate of candidates) {
    if (typeof candidate !== 'string' || !candidate) continue;
    for (const family of Object.keys(AGENTS) as Family[]) {
      if (candidate.startsWith(`${family}.`))
        return { family, name: candidate.slice(family.length + 1) };
      // Some versions name the event without its prefix; the service says whose it is.
      if (!candidate.includes('.') && AGENTS[family].service.test(service))
        return { family, name: candidate };
    }
  }
  return null;
}

function nanosOf(record: OtlpLogRecord, attrs: Attrs): bigint | null {
  for (const n of [record.timeUnixNano, record.observedTimeUnixNano]) {
    if (n && n !== '0') return BigInt(n);
  }
  const stamp = str(attrs, 'event.timestamp');
  const ms = stamp ? Date.parse(stamp) : NaN;
  const nanos = Number.isFinite(ms) && ms >= 0 ? BigInt(ms) * 1_000_000n : null;
  return nanos !== null && nanos < LATEST_NANOS ? nanos : null;
}

/** Claude Code's Bash parameters as the tool's own arguments (`command`), other tools' as sent. */
function claudeToolArgs(attrs: Attrs): unknown {
  const input = json(attrs, 'tool_input');
  if (input !== undefined) return input;
  const params = json(attrs, 'tool_parameters');
  if (params && typeof params === 'object' && !Array.isArray(params)) {
    const p = params as Record<string, unknown>;
    const command = p.full_command ?? p.bash_command;
    if (typeof command === 'string') {
      return {
        command,
        ...(typeof p.description === 'string' ? { description: p.description } : {}),
      };
    }
    return p;
  }
  return params ?? {};
}

/** `2 × event.sequence + 1` must be within MAX_SEQ. */
const MAX_SEQUENCE = (MAX_SEQ - 1) / 2;

interface Step {
  rank: number;
  nanos: bigint;
  /** Which half of a record that makes two events (a tool call and its result). */
  half: 0 | 1;
  body: EventBody;
}

const PROMPT_NOT_SENT: Record<Family, string> = {
  claude_code: 'user prompts arrived without their text: set OTEL_LOG_USER_PROMPTS=1 to see tasks',
  codex: 'user prompts arrived redacted: set log_user_prompt = true under [otel] to see tasks',
};

function stepsOf(
  family: Family,
  name: string,
  attrs: Attrs,
  nanos: bigint,
  notes: Set<string>,
): Step[] | string | null {
  switch (name) {
    case 'user_prompt': {
      const text = str(attrs, 'prompt');
      if (!text || text === '[REDACTED]') {
        notes.add(PROMPT_NOT_SENT[family]);
        return [];
      }
      return [{ rank: 0, nanos, half: 0, body: { kind: 'task', role: 'user', text } }];
    }
    case 'tool_result': {
      const tool = str(attrs, 'tool_name');
      if (!tool) return `${family}.tool_result has no tool_name`;
      const ok = bool(attrs, 'success') ?? true;
      const callId = (str(attrs, 'tool_use_id') ?? str(attrs, 'call_id'))?.slice(0, 128);
      const output = family === 'codex' ? str(attrs, 'output') : undefined;
      const error = ok ? undefined : (str(attrs, 'error') ?? str(attrs, 'error.message') ?? output);
      const args = family === 'codex' ? (json(attrs, 'arguments') ?? {}) : claudeToolArgs(attrs);
      const duration = BigInt(Math.max(0, int(attrs, 'duration_ms') ?? 0)) * 1_000_000n;
      return [
        {
          rank: 3,
          nanos: duration < nanos ? nanos - duration : 0n,
          half: 0,
          body: {
            kind: 'tool_call',
            role: 'assistant',
            tool: { name: tool.slice(0, 200), args, ...(callId ? { callId } : {}) },
          },
        },
        {
          rank: 4,
          nanos,
          half: 1,
          body: {
            kind: 'tool_result',
            role: 'tool',
            result: {
              ...(callId ? { callId } : {}),
              ok,
              ...(output !== undefined && ok ? { output } : {}),
              ...(error ? { error } : {}),
            },
          },
        },
      ];
    }
    case 'api_request': {
      if (family !== 'claude_code') return null;
      const input =
        (int(attrs, 'input_tokens') ?? 0) +
        (int(attrs, 'cache_read_tokens') ?? 0) +
        (int(attrs, 'cache_creation_tokens') ?? 0);
      const output = int(attrs, 'output_tokens') ?? 0;
      return [
        {
          rank: 2,
          nanos,
          half: 0,
          body: {
            kind: 'usage',
            usage: { inputTokens: Math.max(0, input), outputTokens: Math.max(0, output) },
          },
        },
      ];
    }
    case 'sse_event': {
      if (family !== 'codex' || str(attrs, 'event.kind') !== 'response.completed') return null;
      const input = int(attrs, 'input_token_count');
      if (input === undefined) return null;
      const output = int(attrs, 'output_token_count') ?? 0;
      return [
        {
          rank: 2,
          nanos,
          half: 0,
          body: {
            kind: 'usage',
            usage: { inputTokens: Math.max(0, input), outputTokens: Math.max(0, output) },
          },
        },
      ];
    }
    default:
      return null;
  }
}

/**
 * Claude Code's and Codex's own log events (prompts, tool results, API usage) as trajectory
 * events, keyed by Claude Code's `session.id` or Codex's `conversation.id`. Claude Code numbers
 * a session's events (`event.sequence`): `seq` follows it; otherwise it follows the time. Ids
 * are a hash of the record, so a re-sent export yields the same events.
 */
export function logsToEvents(request: LogsRequest): OtlpMapping {
  const mapping: OtlpMapping = {
    events: [],
    items: 0,
    rejected: new Map(),
    ignored: 0,
    notes: new Set(),
  };
  const ordered: Array<Step & { event: TrajectoryEvent; item: number }> = [];
  for (const rl of request.resourceLogs) {
    const resource = attributesOf(rl.resource.attributes);
    for (const sl of rl.scopeLogs) {
      for (const record of sl.logRecords) {
        const item = mapping.items++;
        const attrs = attributesOf(record.attributes);
        const known = eventOf(record, attrs, resource);
        if (!known) {
          mapping.ignored++;
          continue;
        }
        const { family, name } = known;
        const nanos = nanosOf(record, attrs);
        if (nanos === null) {
          mapping.rejected.set(
            item,
            `${family}.${name} has no usable time (timeUnixNano, observedTimeUnixNano or event.timestamp)`,
          );
          continue;
        }
        const steps = stepsOf(family, name, attrs, nanos, mapping.notes);
        if (steps === null) {
          mapping.ignored++;
          continue;
        }
        if (typeof steps === 'string') {
          mapping.rejected.set(item, steps);
          continue;
        }
        const rawSession =
          str(attrs, AGENTS[family].session) ?? str(resource, AGENTS[family].session);
        if (!rawSession) {
          mapping.rejected.set(
            item,
            `${family}.${name} has no ${AGENTS[family].session} attribute`,
          );
          continue;
        }
        const sessionId = clientId(rawSession);
        const sequence = family === 'claude_code' ? int(attrs, 'event.sequence') : undefined;
        const agent = agentInfo(
          AGENTS[family].agent,
          str(attrs, 'app.version') ?? str(resource, 'service.version'),
          str(attrs, 'model') ?? str(resource, 'model'),
        );
        const env = environmentOf(resource);
        const base = deterministicUuid(
          family,
          sessionId,
          name,
          nanos.toString(),
          JSON.stringify(attrs),
        );
        for (const step of steps) {
          const seq =
            sequence !== undefined && sequence >= 0 && sequence <= MAX_SEQUENCE
              ? sequence * 2 + step.half
              : seqFromNanos(step.nanos, step.body.kind);
          const eventId = `otel-log-${base}-${step.half}`;
          ordered.push({
            ...step,
            event: makeEvent({ eventId, sessionId, seq, nanos: step.nanos }, agent, env, step.body),
            item,
          });
        }
      }
    }
  }
  mapping.events = ordered.sort(byTime).map(({ event, item }) => ({ event, item }));
  return mapping;
}
