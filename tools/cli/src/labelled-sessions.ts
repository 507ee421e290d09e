import { readFileSync } from 'node:fs';
import { z } from 'zod';
import { validate, type TrajectoryEvent } from '@wink/contracts';
import { FORMATS, importData, importFile, type Format } from '@wink/importers';
import { readLabel, type Label } from './label-vocabularies.js';

export type { Label } from './label-vocabularies.js';

const LabelledLine = z
  .object({
    sessionId: z.string().min(1),
    format: z.enum(FORMATS),
    messages: z.array(z.unknown()).optional(),
    events: z.array(z.unknown()).optional(),
    /** Any vocabulary: read by `readLabel`, never a reason to refuse the session. */
    labels: z.unknown().optional(),
    source: z.string().optional(),
    outcome: z.unknown().optional(),
  })
  .refine((l) => l.messages || l.events, {
    message: 'needs `messages` or `events`',
    path: ['messages'],
  });

export interface LabelledSession {
  sessionId: string;
  events: TrajectoryEvent[];
  /** The labels in Wink's taxonomy, read or mapped from the file's. */
  labels: Label[];
  /** Names of the file's labels that Wink's taxonomy and the known vocabularies cannot read. */
  unmapped: string[];
  source?: string;
  outcome?: 'succeeded' | 'failed';
}

/** How a file's labels were read: which came from another vocabulary, and which could not be. */
export interface LabelVocabularies {
  /** `"Repetition" → reasoning_problem/repetitive_loop (sola-st)`, with how many labels. */
  mapped: Record<string, number>;
  unmapped: Record<string, number>;
}

export interface ReadSessions {
  sessions: LabelledSession[];
  errors: string[];
  /** Per labelled file that has labels outside Wink's taxonomy. */
  vocabularies: Record<string, LabelVocabularies>;
}

const OUTCOMES: Record<string, 'succeeded' | 'failed'> = {
  succeeded: 'succeeded',
  success: 'succeeded',
  resolved: 'succeeded',
  passed: 'succeeded',
  true: 'succeeded',
  '1': 'succeeded',
  failed: 'failed',
  failure: 'failed',
  unresolved: 'failed',
  false: 'failed',
  '0': 'failed',
};

function readLabels(
  raw: unknown,
  vocabularies: LabelVocabularies,
): { labels: Label[]; unmapped: string[] } {
  const labels: Label[] = [];
  const unmapped: string[] = [];
  const items = raw === undefined || raw === null ? [] : Array.isArray(raw) ? raw : [raw];
  const count = (m: Record<string, number>, k: string) => (m[k] = (m[k] ?? 0) + 1);
  for (const item of items) {
    const reading = readLabel(item);
    if (reading.kind === 'unmapped') {
      unmapped.push(reading.name);
      count(vocabularies.unmapped, reading.name);
      continue;
    }
    labels.push(reading.label);
    if (reading.kind === 'mapped') {
      const to = [reading.label.category, reading.label.subtype].filter(Boolean).join('/');
      count(vocabularies.mapped, `"${reading.from}" → ${to} (${reading.vocabulary})`);
    }
    for (const name of reading.foreign)
      if (reading.kind === 'wink') count(vocabularies.unmapped, name);
  }
  return { labels, unmapped };
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
  const vocabulary: LabelVocabularies = { mapped: {}, unmapped: {} };
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
    const { sessionId, format, messages, events, source, outcome } = line.value;
    try {
      const imported = importData(format as Format, events ?? messages, sessionId);
      sessions.push({
        sessionId,
        events: imported,
        ...readLabels(line.value.labels, vocabulary),
        source,
        outcome: OUTCOMES[String(outcome).toLowerCase()],
      });
    } catch (error) {
      errors.push(`${file}:${i + 1}: cannot read as ${format}: ${(error as Error).message}`);
    }
  });
  const foreign = Object.keys(vocabulary.mapped).length + Object.keys(vocabulary.unmapped).length;
  return { sessions, errors, vocabularies: foreign ? { [file]: vocabulary } : {} };
}

/** Sessions from trajectory files in any supported format, or from labelled-session files. */
export function readSessions(files: string[], format: Format | 'auto' = 'auto'): ReadSessions {
  const out: ReadSessions = { sessions: [], errors: [], vocabularies: {} };
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
            sessions: imported.sessions.map((s) => ({ ...s, labels: [], unmapped: [] })),
            errors: imported.errors,
            vocabularies: {},
          };
        })();
    out.sessions.push(...read.sessions);
    out.errors.push(...read.errors);
    Object.assign(out.vocabularies, read.vocabularies);
  }
  return out;
}
