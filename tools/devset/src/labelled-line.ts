import type { Category, Subtype } from '@wink/contracts';

/** One line of the labelled-session JSONL that `wink eval` reads. */
export interface LabelledLine {
  sessionId: string;
  format: string;
  messages?: unknown[];
  events?: unknown[];
  labels: Array<{ category: Category; subtype?: Subtype; step?: number }>;
  source: string;
  outcome?: 'succeeded' | 'failed';
}
