import { existsSync, readdirSync, readFileSync } from 'node:fs';
import type { TrajectoryEvent } from '@wink/contracts';
import { EventWriter, looksFailed } from '@wink/importers';
import type { LabelledLine } from '../labelled-line.js';
import { patchCall } from './autocoderover-patch.js';

type Agent = 'repairagent' | 'autocoderover';

const NEXT_ACTION = /\n?; Next action: [\s\S]*$/;

function blocks(text: string, kind: 'Action' | 'Result' | 'Thought'): Map<number, string> {
  const out = new Map<number, string>();
  const re = /^(Action|Result|Thought) at [Ii]teration (\d+): /gm;
  const marks = [...text.matchAll(re)];
  marks.forEach((m, i) => {
    if (m[1] !== kind) return;
    const end = i + 1 < marks.length ? marks[i + 1].index : text.length;
    out.set(Number(m[2]), text.slice(m.index + m[0].length, end).trim());
  });
  return out;
}

type Args = Record<string, string | string[]>;

/**
 * AutoCodeRover's reasoning before each action (`Thought at Iteration k`), which becomes the
 * assistant message before the call; RepairAgent's parsed runs are kept as actions only.
 */
function thoughtsOf(file: string): Map<number, string> | null {
  return existsSync(file) ? blocks(readFileSync(file, 'utf8'), 'Thought') : null;
}

function toolCall(agent: Agent, action: string): { name: string; args: Args } {
  if (agent === 'repairagent') {
    const name = /'name':\s*'([\w-]+)'/.exec(action)?.[1] ?? 'unknown';
    return { name, args: { call: action.slice(0, 4000) } };
  }
  const name = /^([\w-]+)/.exec(action)?.[1] ?? 'unknown';
  return { name, args: { call: action.slice(0, 4000) } };
}

/** The instance lists under "### <Agent> Instances" in the data set's README. */
function outcomes(readme: string, heading: string): Map<string, 'succeeded' | 'failed'> {
  const out = new Map<string, 'succeeded' | 'failed'>();
  const section = readme.split(/^### /m).find((s) => s.startsWith(heading)) ?? '';
  const resolved = /Resolved instances:\s*```([\s\S]*?)```/.exec(section)?.[1] ?? '';
  const unresolved = /Unresolved instances:\s*```([\s\S]*?)(?:```|$)/.exec(section)?.[1] ?? '';
  for (const id of resolved.split(/\s+/).filter(Boolean)) out.set(id, 'succeeded');
  for (const id of unresolved.split(/\s+/).filter(Boolean)) out.set(id, 'failed');
  return out;
}

/**
 * sola-st/llm-agents-study: RepairAgent and AutoCodeRover runs as iterations of action and
 * result. Labels: an action→action pair the study annotated `Repetition` is
 * `reasoning_problem/repetitive_loop` at the repeating step. Outcome: the README's resolved and
 * unresolved lists.
 */
export function solaSt(dataDir: string, agent: Agent): LabelledLine[] {
  const root = `${dataDir}/sola-st-agent-trajectories`;
  const heading = agent === 'repairagent' ? 'RepairAgent Instances' : 'AutoCodeRover Instances';
  const outcome = outcomes(readFileSync(`${root}/README.md`, 'utf8'), heading);
  const dir = `${root}/trajectories/${agent}/parsed`;
  const lines: LabelledLine[] = [];
  for (const instance of readdirSync(`${dir}/results_actions`).sort()) {
    const results = blocks(readFileSync(`${dir}/results_actions/${instance}`, 'utf8'), 'Result');
    const actionsFile = `${dir}/action_actions/${instance}`;
    const actionsText = existsSync(actionsFile)
      ? readFileSync(actionsFile, 'utf8')
      : readFileSync(`${dir}/actions_actions/${instance}`, 'utf8');
    const actions = blocks(actionsText, 'Action');
    const thoughts =
      agent === 'autocoderover' ? thoughtsOf(`${dir}/thoughts_actions/${instance}`) : null;
    const sessionId = `${agent}-${instance}`;
    const w = new EventWriter({ sessionId, agent: { name: agent } });
    w.add({ kind: 'task', role: 'user', text: `Repair ${instance}.` });
    const seqOfIteration = new Map<number, number>();
    for (const iteration of [...actions.keys()].sort((a, b) => a - b)) {
      const call = toolCall(agent, actions.get(iteration)!);
      const reply = thoughts?.get(iteration) ?? '';
      const patch = call.name === 'write_patch' ? patchCall(reply) : null;
      const { name, args } = patch ? { name: call.name, args: patch.args } : call;
      const thought = patch ? patch.prose : reply;
      if (thought) w.add({ kind: 'message', role: 'assistant', text: thought });
      const callId = w.nextCallId();
      const event = w.add({ kind: 'tool_call', role: 'assistant', tool: { name, args, callId } });
      seqOfIteration.set(iteration, event.seq);
      // RepairAgent's parsed results end with the next action the agent chose; that is not output.
      const output = (results.get(iteration) ?? '').replace(NEXT_ACTION, '');
      w.add({
        kind: 'tool_result',
        role: 'tool',
        result: { callId, ok: !looksFailed(output), output },
      });
    }
    const csv = `${root}/${agent}_csv/action_action/${instance}.csv`;
    const labels: LabelledLine['labels'] = [];
    if (existsSync(csv)) {
      readFileSync(csv, 'utf8')
        .trim()
        .split('\n')
        .slice(1)
        .forEach((label, k) => {
          if (label.trim() === 'Repetition') {
            labels.push({
              category: 'reasoning_problem',
              subtype: 'repetitive_loop',
              step: seqOfIteration.get(k + 1),
            });
          }
        });
    }
    lines.push({
      sessionId,
      format: 'wink-events',
      events: w.events as TrajectoryEvent[],
      labels,
      source: `sola-st-${agent}`,
      outcome: outcome.get(instance.replace(/^experiment_\d+_/, '')),
    });
  }
  return lines;
}
