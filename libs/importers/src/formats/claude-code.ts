import { EventWriter, type SessionMeta } from '../event-writer.js';
import { addAnthropicMessage, type AnthropicMessage } from './anthropic-messages.js';

interface TranscriptLine {
  type?: string;
  timestamp?: string;
  message?: AnthropicMessage & { usage?: { input_tokens?: number; output_tokens?: number } };
  isMeta?: boolean;
}

/** A Claude Code session transcript: one JSON object per line (`type`: user | assistant | summary…). */
export function importClaudeCode(lines: TranscriptLine[], meta: SessionMeta) {
  const w = new EventWriter(meta);
  const state = { sawTask: false };
  for (const line of lines) {
    if ((line.type !== 'user' && line.type !== 'assistant') || !line.message || line.isMeta) {
      if (line.type === 'summary')
        w.add(
          { kind: 'message', role: 'system', text: 'context condensed (summary)' },
          line.timestamp,
        );
      continue;
    }
    addAnthropicMessage(w, line.message, state, line.timestamp);
    const usage = line.message.usage;
    if (line.type === 'assistant' && usage && (usage.input_tokens || usage.output_tokens)) {
      w.add(
        {
          kind: 'usage',
          usage: { inputTokens: usage.input_tokens ?? 0, outputTokens: usage.output_tokens ?? 0 },
        },
        line.timestamp,
      );
    }
  }
  return w.events;
}
