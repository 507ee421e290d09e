import { AgentSession, type Guidance, type WinkClient } from '@wink/client';
import { misbehave, TASKS, work, type Misbehaviour } from './scripts.js';

export interface SimulatedAgentOptions {
  client: WinkClient;
  sessionId: string;
  misbehaviour: Misbehaviour;
  /** Chance that the agent changes course after each guidance it reads. */
  complyProbability: number;
  /** Steps taken in all (each a tool call and its result). */
  steps: number;
  random: () => number;
  /** How long the agent waits for guidance after each step (its "next turn"). */
  pollMs?: number;
  stepDelayMs?: number;
  env?: 'production' | 'staging' | 'dev';
}

export interface SimulationReport {
  sessionId: string;
  steps: number;
  guidance: Guidance[];
  /** Whether the agent changed course after guidance. */
  complied: boolean;
  halted: boolean;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/**
 * A scripted agent: it misbehaves in the given way, reads guidance before each next step, and
 * with `complyProbability` changes course to useful work; a `halt` stops it.
 */
export async function runSimulatedAgent(o: SimulatedAgentOptions): Promise<SimulationReport> {
  const session = new AgentSession(
    o.client,
    o.sessionId,
    { name: 'wink-simulator', model: 'scripted' },
    o.env ?? 'dev',
    {
      flushMs: 20,
    },
  );
  session.task(TASKS[o.misbehaviour]);
  const report: SimulationReport = {
    sessionId: o.sessionId,
    steps: 0,
    guidance: [],
    complied: false,
    halted: false,
  };
  let misbehaving = true;
  for (let step = 0; step < o.steps && !report.halted; step++) {
    if (misbehaving) misbehave(session, o.misbehaviour);
    else work(session, step, o.misbehaviour);
    report.steps++;
    for (const g of await session.guidance(o.pollMs ?? 150)) {
      report.guidance.push(g);
      if (g.severity === 'halt') report.halted = true;
      else if (misbehaving && o.random() < o.complyProbability) {
        misbehaving = false;
        report.complied = true;
      }
    }
    if (o.stepDelayMs) await sleep(o.stepDelayMs);
  }
  await session.end(report.halted ? 'halted by Wink' : 'completed');
  return report;
}
