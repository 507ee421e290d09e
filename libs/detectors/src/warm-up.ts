import type { TrajectoryEvent } from '@wink/contracts';
import { observe } from './run-detectors.js';
import { SessionWindow } from './session-window.js';

const AGENT = { name: 'wink-warm-up', model: 'synthetic' };
const FAILURE =
  'FAILED tests/test_dates.py::test_iso_week - AssertionError: expected 2024-12-30, got 2024-01-01';

/**
 * Two built-in sessions, for running the code an event goes through before a service takes
 * traffic: `looping` runs the same failing test again and again (the detectors flag it), `clean`
 * reads, edits, tests and finishes (nothing to flag). Every kind of step a session mostly holds.
 */
export function syntheticSessions(id = 'wink-warm-up'): {
  looping: TrajectoryEvent[];
  clean: TrajectoryEvent[];
} {
  const session = (sessionId: string, steps: Array<Partial<TrajectoryEvent>>) =>
    steps.map(
      (step, seq) =>
        ({
          eventId: `${sessionId}-${seq}`,
          sessionId,
          seq,
          ts: new Date(Date.UTC(2026, 0, 1, 0, 0, seq)).toISOString(),
          agent: AGENT,
          env: 'dev',
          ...step,
        }) as TrajectoryEvent,
    );
  const task = (text: string): Partial<TrajectoryEvent> => ({ kind: 'task', role: 'user', text });
  const call = (callId: string, name: string, args: Record<string, unknown>) =>
    ({ kind: 'tool_call', role: 'assistant', tool: { name, args, callId } }) as const;
  const result = (callId: string, ok: boolean, output: string) =>
    ({
      kind: 'tool_result',
      role: 'tool',
      result: { callId, ok, output, exitCode: ok ? 0 : 1 },
    }) as const;
  const looping: Array<Partial<TrajectoryEvent>> = [task('Fix the failing date test.')];
  for (let i = 0; i < 8; i++)
    looping.push(
      call(`c${i}`, 'Bash', { command: 'python -m pytest tests/test_dates.py -q' }),
      result(`c${i}`, false, FAILURE),
    );
  const clean: Array<Partial<TrajectoryEvent>> = [
    task('Add a --json flag to the report command.'),
    call('c1', 'Read', { file_path: 'cli/report.py' }),
    result('c1', true, 'import click\n\ndef report():\n    click.echo(build_summary())\n'),
    call('c2', 'Edit', {
      file_path: 'cli/report.py',
      old_string: 'def report():',
      new_string: "@click.option('--json', 'as_json', is_flag=True)\ndef report(as_json):",
    }),
    result('c2', true, 'The file cli/report.py has been updated.'),
    call('c3', 'Bash', { command: 'python -m pytest -q' }),
    result('c3', true, '........\n8 passed in 0.12s'),
    { kind: 'message', role: 'assistant', text: 'Added --json; all 8 tests pass.' },
    { kind: 'usage', usage: { inputTokens: 4000, outputTokens: 300 } },
    { kind: 'session_end', role: 'system', text: 'completed' },
  ];
  return { looping: session(`${id}-looping`, looping), clean: session(`${id}-clean`, clean) };
}

/**
 * Runs the detectors `rounds` times over the synthetic sessions, each time in fresh windows, so
 * that the first real sessions do not pay for compiling them; returns the findings of each
 * session in the last round.
 */
export function warmUpDetectors(rounds = 200): { looping: number; clean: number } {
  const sessions = syntheticSessions();
  const found = { looping: 0, clean: 0 };
  for (let round = 0; round < rounds; round++)
    for (const name of ['looping', 'clean'] as const) {
      const window = new SessionWindow();
      let findings = 0;
      for (const event of sessions[name]) findings += observe(window, event).length;
      found[name] = findings;
    }
  return found;
}
