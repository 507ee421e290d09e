import { readFileSync } from 'node:fs';
import { basename } from 'node:path';
import { TrajectoryEvent, validate } from '@wink/contracts';
import { importAnthropicMessages, type AnthropicMessage } from './formats/anthropic-messages.js';
import { importClaudeCode } from './formats/claude-code.js';
import { importOpenAiMessages } from './formats/openai-messages.js';
import { importOpenHands } from './formats/openhands.js';
import { importSweAgent } from './formats/swe-agent.js';

export const FORMATS = [
  'wink-events',
  'openai-messages',
  'anthropic-messages',
  'claude-code',
  'swe-agent',
  'openhands',
] as const;
export type Format = (typeof FORMATS)[number];

export interface ImportedSession {
  sessionId: string;
  events: TrajectoryEvent[];
}

export interface ImportResult {
  sessions: ImportedSession[];
  /** One line per problem: `FILE[:LINE]: what is wrong`. */
  errors: string[];
}

type Json = Record<string, unknown>;

function isObject(v: unknown): v is Json {
  return v !== null && typeof v === 'object' && !Array.isArray(v);
}

function messagesFormat(messages: unknown[]): Format {
  const anthropic = messages.some(
    (m) =>
      isObject(m) &&
      Array.isArray(m.content) &&
      m.content.some((b) => isObject(b) && (b.type === 'tool_use' || b.type === 'tool_result')),
  );
  return anthropic ? 'anthropic-messages' : 'openai-messages';
}

/** Which format a parsed JSON value (or the first line of a JSONL file) is in. */
export function detectFormat(value: unknown, name = ''): Format | null {
  if (name.endsWith('.traj')) return 'swe-agent';
  const first = Array.isArray(value) ? value[0] : value;
  if (!isObject(first)) return null;
  if ('eventId' in first && 'kind' in first) return 'wink-events';
  if ('source' in first && ('action' in first || 'observation' in first)) return 'openhands';
  if ('trajectory' in first) return 'swe-agent';
  if (
    typeof first.type === 'string' &&
    ('message' in first || 'uuid' in first || 'leafUuid' in first)
  )
    return 'claude-code';
  if ('role' in first) return messagesFormat(Array.isArray(value) ? value : [value]);
  if (Array.isArray(first.messages)) return messagesFormat(first.messages);
  if (Array.isArray(first.traj)) return 'openai-messages';
  return null;
}

/** Events of one session given in `format`: the list a labelled session's `messages` or `events` holds. */
export function importData(format: Format, data: unknown, sessionId: string): TrajectoryEvent[] {
  const meta = { sessionId, agent: { name: format } };
  switch (format) {
    case 'wink-events':
      return (data as TrajectoryEvent[]).map((e) => ({ ...e, sessionId }));
    case 'openai-messages':
      return importOpenAiMessages(data as never, meta);
    case 'anthropic-messages':
      return importAnthropicMessages(data as AnthropicMessage[], meta);
    case 'claude-code':
      return importClaudeCode(data as never, { ...meta, agent: { name: 'claude-code' } });
    case 'swe-agent':
      return importSweAgent(data as never, { ...meta, agent: { name: 'swe-agent' } });
    case 'openhands':
      return importOpenHands(data as never, { ...meta, agent: { name: 'openhands' } });
  }
}

function parseJsonLines(
  text: string,
  file: string,
  errors: string[],
): Array<{ line: number; value: unknown }> {
  const out: Array<{ line: number; value: unknown }> = [];
  text.split('\n').forEach((raw, i) => {
    if (!raw.trim()) return;
    try {
      out.push({ line: i + 1, value: JSON.parse(raw) });
    } catch {
      errors.push(`${file}:${i + 1}: not valid JSON`);
    }
  });
  return out;
}

function winkEventSessions(
  lines: Array<{ line: number; value: unknown }>,
  file: string,
  errors: string[],
): ImportedSession[] {
  const sessions = new Map<string, TrajectoryEvent[]>();
  for (const { line, value } of lines) {
    const event = validate(TrajectoryEvent, value);
    if (!event.ok) {
      errors.push(`${file}:${line}: ${event.error.field}: ${event.error.message}`);
      continue;
    }
    const list = sessions.get(event.value.sessionId) ?? [];
    list.push(event.value);
    sessions.set(event.value.sessionId, list);
  }
  return [...sessions].map(([sessionId, events]) => ({ sessionId, events }));
}

/** Reads a file's text in the given format (or the one it looks like) into sessions. */
export function importText(
  text: string,
  file: string,
  format: Format | 'auto' = 'auto',
): ImportResult {
  const errors: string[] = [];
  const base = basename(file).replace(/\.(jsonl?|traj)$/, '');
  let whole: unknown;
  let isJson = true;
  try {
    whole = JSON.parse(text);
  } catch {
    isJson = false;
  }
  if (isJson) {
    const detected = format === 'auto' ? detectFormat(whole, file) : format;
    if (!detected)
      return { sessions: [], errors: [`${file}: unknown format (say which with --format)`] };
    // A list of runs, each with its own message list (tau-bench's `traj`, or `messages`).
    if (
      Array.isArray(whole) &&
      isObject(whole[0]) &&
      (Array.isArray(whole[0].traj) || Array.isArray(whole[0].messages))
    ) {
      return {
        sessions: whole.map((run, i) => {
          const r = run as Json;
          const id = `${base}-${String(r.task_id ?? i)}${r.trial !== undefined ? `-${String(r.trial)}` : ''}`;
          return { sessionId: id, events: importData(detected, r.traj ?? r.messages, id) };
        }),
        errors,
      };
    }
    if (detected === 'wink-events') {
      return {
        sessions: winkEventSessions(
          (Array.isArray(whole) ? whole : [whole]).map((value, i) => ({ line: i + 1, value })),
          file,
          errors,
        ),
        errors,
      };
    }
    const data =
      isObject(whole) && Array.isArray(whole.messages) && detected !== 'swe-agent'
        ? whole.messages
        : whole;
    return { sessions: [{ sessionId: base, events: importData(detected, data, base) }], errors };
  }
  const lines = parseJsonLines(text, file, errors);
  const detected = format === 'auto' ? detectFormat(lines[0]?.value, file) : format;
  if (!detected)
    return {
      sessions: [],
      errors: [...errors, `${file}: unknown format (say which with --format)`],
    };
  if (detected === 'wink-events')
    return { sessions: winkEventSessions(lines, file, errors), errors };
  if (detected === 'claude-code') {
    const first = lines.find((l) => isObject(l.value) && typeof l.value.sessionId === 'string')
      ?.value as Json | undefined;
    const id = (first?.sessionId as string | undefined) ?? base;
    return {
      sessions: [
        {
          sessionId: id,
          events: importData(
            detected,
            lines.map((l) => l.value),
            id,
          ),
        },
      ],
      errors,
    };
  }
  return {
    sessions: [],
    errors: [...errors, `${file}: ${detected} is not a line-per-record format`],
  };
}

export function importFile(file: string, format: Format | 'auto' = 'auto'): ImportResult {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    return { sessions: [], errors: [`${file}: cannot read: ${(error as Error).message}`] };
  }
  return importText(text, file, format);
}
