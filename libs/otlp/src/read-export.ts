import type { Validated } from '@wink/contracts';
import { logsToEvents } from './agent-logs.js';
import { tracesToEvents, type ConversationMemory } from './gen-ai-spans.js';
import type { OtlpMapping } from './mapping.js';
import type { PartialSuccess, Signal } from './proto.js';
import { parseLogsRequest, parseTraceRequest } from './request.js';

/** An export request (OTLP/JSON shape) checked and read into trajectory events. */
export function readExport(
  signal: Signal,
  body: unknown,
  memory?: ConversationMemory,
): Validated<OtlpMapping> {
  if (signal === 'traces') {
    const parsed = parseTraceRequest(body);
    return parsed.ok ? { ok: true, value: tracesToEvents(parsed.value, memory) } : parsed;
  }
  const parsed = parseLogsRequest(body);
  return parsed.ok ? { ok: true, value: logsToEvents(parsed.value) } : parsed;
}

const REASONS_SHOWN = 3;

/**
 * The OTLP partial success for a request: how many items were rejected and why (the first few
 * reasons), plus advice and how many items were not agent telemetry. Null when there is nothing
 * to say, so the response is the plain success.
 */
export function partialSuccessOf(signal: Signal, mapping: OtlpMapping): PartialSuccess | null {
  const noun = signal === 'traces' ? 'span' : 'log record';
  const parts: string[] = [];
  const reasons = [...new Set(mapping.rejected.values())];
  if (reasons.length > 0) {
    const more =
      reasons.length > REASONS_SHOWN ? ` (and ${reasons.length - REASONS_SHOWN} more reasons)` : '';
    parts.push(
      `${mapping.rejected.size} ${noun}(s) rejected: ${reasons.slice(0, REASONS_SHOWN).join('; ')}${more}`,
    );
  }
  if (mapping.ignored > 0) {
    parts.push(`${mapping.ignored} ${noun}(s) ignored: not GenAI agent telemetry Wink reads`);
  }
  parts.push(...mapping.notes);
  if (parts.length === 0) return null;
  return { rejected: mapping.rejected.size, errorMessage: parts.join('. ') };
}
