// The consumer benchmarks' backlog, written straight onto the events topic.
const KINDS = ['tool_call', 'tool_result', 'message', 'tool_call', 'tool_result', 'usage'];

/**
 * The `i`-th event record of a mixed backlog over `sessions` sessions, interleaved: tool calls
 * and results (a fifth of the sessions running a failing test again and again), messages and
 * usage, each session's steps a second apart from `startMs`.
 */
export function mixedEventRecord({ tenantId, run, i, sessions, startMs }) {
  const s = i % sessions;
  const seq = Math.floor(i / sessions);
  const looping = s % 5 === 0;
  const kind = KINDS[seq % KINDS.length];
  const event = {
    eventId: `${run}-${i}`,
    sessionId: `${run}-s${s}`,
    seq,
    ts: new Date(startMs + seq * 1000).toISOString(),
    agent: { name: 'bench', model: 'm1' },
    kind,
  };
  if (kind === 'tool_call')
    event.tool = {
      name: 'Bash',
      args: { command: looping ? 'npm test' : `ls src/module${seq}` },
      callId: `c${seq}`,
    };
  if (kind === 'tool_result')
    event.result = { callId: `c${seq - 1}`, ok: !looping, output: looping ? 'FAIL 1 test' : 'ok' };
  if (kind === 'message') {
    event.role = 'assistant';
    event.text = `step ${seq}: looking at the next file`;
  }
  if (kind === 'usage') event.usage = { inputTokens: 1000, outputTokens: 100 };
  return { v: 1, tenantId, receivedAt: Date.now(), event };
}
