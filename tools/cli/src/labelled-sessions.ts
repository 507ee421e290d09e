import { readFileSync } from 'node:fs';
import { z } from 'zod';
import { CATEGORIES, SUBTYPES, validate, type TrajectoryEvent } from '@wink/contracts';
import { FORMATS, importData, importFile, type Format } from '@wink/importers';

export const Label = z.object({
  category: z.enum(CATEGORIES),
  subtype: z.enum(SUBTYPES).optional(),
  step: z.number().int().nonnegative().optional(),
});
export type Label = z.infer<typeof Label>;

const LabelledLine = z
  .object({
    sessionId: z.string().min(1),
    format: z.enum(FORMATS),
    messages: z.array(z.unknown()).optional(),
    events: z.array(z.unknown()).optional(),
    labels: z.array(Label).default([]),
    source: z.string().optional(),
    outcome: z.enum(['succeeded', 'failed']).optional(),
  })
  .refine((l) => l.messages || l.events, {
    message: 'needs `messages` or `events`',
    path: ['messages'],
  });

export interface LabelledSession {
  sessionId: string;
  events: TrajectoryEvent[];
  labels: Label[];
  source?: string;
  outcome?: 'succeeded' | 'failed';
}

export interface ReadSessions {
  sessions: LabelledSession[];
  errors: string[];
}

/** Whether a file holds labelled sessions (one JSON object per line with `format` and its data). */
export function isLabelledFile(text: string): boolean {
  const first = text.split('\n').find((l) => l.trim());
  if (!first) return false;
  try {
    const value = JSON.parse(first);
    return (
      typeof value === 'object' &&
      value !== null &&
      'format' in value &&
      ('messages' in value || 'events' in value)
    );
  } catch {
    return false;
  }
}

export function parseLabelled(text: string, file: string): ReadSessions {
  const sessions: LabelledSession[] = [];
  const errors: string[] = [];
  text.split('\n').forEach((raw, i) => {
    if (!raw.trim()) return;
    let json: unknown;
    try {
      json = JSON.parse(raw);
    } catch {
      errors.push(`${file}:${i + 1}: not valid JSON`);
      return;
    }
    const line = validate(LabelledLine, json);
    if (!line.ok) {
      errors.push(`${file}:${i + 1}: ${line.error.field}: ${line.error.message}`);
      return;
    }
    const { sessionId, format, messages, events, labels, source, outcome } = line.value;
    try {
      sessions.push({
        sessionId,
        events: importData(format as Format, events ?? messages, sessionId),
        labels,
        source,
        outcome,
      });
    } catch (error) {
      errors.push(`${file}:${i + 1}: cannot read as ${format}: ${(error as Error).message}`);
    }
  });
  return { sessions, errors };
}

/** Sessions from trajectory files in any supported format, or from labelled-session files. */
export function readSessions(files: string[], format: Format | 'auto' = 'auto'): ReadSessions {
  const out: ReadSessions = { sessions: [], errors: [] };
  for (const file of files) {
    let text: string;
    try {
      text = readFileSync(file, 'utf8');
    } catch (error) {
      out.errors.push(`${file}: cannot read: ${(error as Error).message}`);
      continue;
    }
    const read = isLabelledFile(text)
      ? parseLabelled(text, file)
      : (() => {
          const imported = importFile(file, format);
          return {
            sessions: imported.sessions.map((s) => ({ ...s, labels: [] })),
            errors: imported.errors,
          };
        })();
    out.sessions.push(...read.sessions);
    out.errors.push(...read.errors);
  }
  return out;
}
