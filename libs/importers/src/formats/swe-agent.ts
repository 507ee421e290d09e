import { EventWriter, textOf, type SessionMeta } from '../event-writer.js';

interface SweAgentTraj {
  trajectory?: Array<{
    action?: string;
    observation?: string;
    thought?: string;
    response?: string;
  }>;
  history?: Array<{ role?: string; content?: unknown }>;
  info?: { exit_status?: string; submission?: string };
}

const FAILED_OBSERVATION =
  /(command not found|No such file or directory|Traceback \(most recent call last\)|SyntaxError|Error:|Usage: )/;

/** A SWE-agent `.traj` file: `trajectory[]` of thought, action (a shell-like command) and observation. */
export function importSweAgent(traj: SweAgentTraj, meta: SessionMeta) {
  const w = new EventWriter(meta);
  const task = traj.history?.find((h) => h.role === 'user');
  if (task) w.add({ kind: 'task', role: 'user', text: textOf(task.content) });
  for (const step of traj.trajectory ?? []) {
    if (step.thought) w.add({ kind: 'message', role: 'assistant', text: step.thought });
    const action = (step.action ?? '').trim();
    if (!action) continue;
    const callId = w.nextCallId();
    const name = action === 'submit' ? 'submit' : 'bash';
    w.add({
      kind: 'tool_call',
      role: 'assistant',
      tool: { name, args: { command: action }, callId },
    });
    const observation = step.observation ?? '';
    w.add({
      kind: 'tool_result',
      role: 'tool',
      result: {
        callId,
        ok: !FAILED_OBSERVATION.test(observation.slice(0, 4096)),
        output: observation,
      },
    });
  }
  if (traj.info?.exit_status)
    w.add({ kind: 'session_end', role: 'system', text: traj.info.exit_status });
  return w.events;
}
