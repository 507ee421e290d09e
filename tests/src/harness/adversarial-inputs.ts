/**
 * Inputs built to make a backtracking regex slow, each a valid event body of about 1 MiB:
 * every text field and fourteen tool-argument strings filled to the contract's 64 KiB limit.
 */
export const ADVERSARIAL_AGENT = 'adversary';
export const ADVERSARIAL_TOOL = 'Probe';

/** A tool schema whose pattern is exponential for a backtracking engine on `aaaa…!`. */
export const ADVERSARIAL_SCHEMA = {
  type: 'object',
  properties: { q: { type: 'string', pattern: '^(a|a)*$' } },
  additionalProperties: { type: 'string', pattern: '^(a|a)*$' },
};

const LIMIT = 65_536;
const fill = (unit: string) => unit.repeat(Math.floor(LIMIT / unit.length));

export const ADVERSARIAL_TEXTS: Record<string, string> = {
  'url-credential': fill('a-'),
  jwt: fill('eyJ-'),
  'begin-lines': fill('-----BEGIN RSA PRIVATE KEY-----\n'),
  'schema-pattern': `${'a'.repeat(LIMIT - 1)}!`,
};

/** One session per adversarial input: a task, a tool call carrying the text, its result. */
export function adversarialSession(name: string, suffix: string) {
  const text = ADVERSARIAL_TEXTS[name];
  const sessionId = `adv-${name}-${suffix}`;
  const base = (seq: number) => ({
    eventId: `${sessionId}-${seq}`,
    sessionId,
    seq,
    ts: new Date(Date.UTC(2026, 10, 23, 10, 0, seq)).toISOString(),
    agent: { name: ADVERSARIAL_AGENT },
  });
  const args: Record<string, string> = { q: text };
  for (let i = 0; i < 13; i++) args[`a${i}`] = text;
  return [
    { ...base(0), kind: 'task', text },
    { ...base(1), kind: 'tool_call', tool: { name: ADVERSARIAL_TOOL, args, callId: 'c1' } },
  ];
}
