import { readFileSync } from 'node:fs';
import { TrajectoryEvent, validate } from '@wink/contracts';

export interface ReadResult {
  sessions: Map<string, TrajectoryEvent[]>;
  /** One line per problem: `FILE:LINE: what is wrong`. */
  errors: string[];
}

/** Reads JSONL files of TrajectoryEvents, grouped by session; bad lines are reported, not fatal. */
export function readTrajectories(files: string[]): ReadResult {
  const sessions = new Map<string, TrajectoryEvent[]>();
  const errors: string[] = [];
  for (const file of files) {
    let text: string;
    try {
      text = readFileSync(file, 'utf8');
    } catch (error) {
      errors.push(`${file}: cannot read: ${(error as Error).message}`);
      continue;
    }
    text.split('\n').forEach((line, index) => {
      if (!line.trim()) return;
      let json: unknown;
      try {
        json = JSON.parse(line);
      } catch {
        errors.push(`${file}:${index + 1}: not valid JSON`);
        return;
      }
      const event = validate(TrajectoryEvent, json);
      if (!event.ok) {
        errors.push(`${file}:${index + 1}: ${event.error.field}: ${event.error.message}`);
        return;
      }
      const list = sessions.get(event.value.sessionId) ?? [];
      list.push(event.value);
      sessions.set(event.value.sessionId, list);
    });
  }
  return { sessions, errors };
}
