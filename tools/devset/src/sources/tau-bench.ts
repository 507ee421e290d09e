import { readFileSync } from 'node:fs';
import type { LabelledLine } from '../labelled-line.js';

interface TauRun {
  task_id: number;
  trial: number;
  reward: number;
  traj: Array<{ role: string; content?: string | null }>;
}

/**
 * tau-bench airline (gpt-4o): OpenAI messages. Labels: every tool reply that begins `Error` is a
 * tool-call failure — `nonexistent_resource` when it says something was not found; otherwise
 * (the tool refused the call's values: balance, seats, availability) the category alone, since
 * no rule subtype describes a business rejection. Outcome: reward 1 succeeded.
 */
export function tauBench(dataDir: string): LabelledLine[] {
  const runs = JSON.parse(
    readFileSync(
      `${dataDir}/tau-bench-airline/historical_trajectories/gpt-4o-airline.json`,
      'utf8',
    ),
  ) as TauRun[];
  return runs.map((run) => {
    const labels: LabelledLine['labels'] = [];
    for (const [step, m] of run.traj.entries()) {
      if (m.role !== 'tool' || !m.content?.startsWith('Error')) continue;
      if (/not found/i.test(m.content))
        labels.push({ category: 'tool_call_failure', subtype: 'nonexistent_resource', step });
      else labels.push({ category: 'tool_call_failure', step });
    }
    return {
      sessionId: `tau-airline-${run.task_id}-${run.trial}`,
      format: 'openai-messages',
      messages: run.traj,
      labels,
      source: 'tau-bench-airline',
      outcome: run.reward >= 1 ? 'succeeded' : 'failed',
    };
  });
}
