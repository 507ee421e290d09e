/** Deterministic generator of hostile requests: malformed, oversized, deeply nested, wrongly typed, injection-laden. */
export interface FuzzRequest {
  method: 'GET' | 'POST' | 'PUT';
  path: string;
  body?: string;
  /** Which service answers it. */
  service: 'ingest' | 'intervention' | 'api';
}

const INJECTIONS = [
  "'; DROP TABLE events;--",
  '" OR 1=1 --',
  '../../../../etc/passwd\u0000',
  '<script>alert(1)</script>',
  '${jndi:ldap://127.0.0.1/a}',
  '{{7*7}}',
  '\u0000\u0001\u0002',
  '%00%2e%2e%2f',
  '$(rm -rf /)',
  '`id`',
  'a'.repeat(300),
];

const valid = () => ({
  eventId: 'fz-1',
  sessionId: 'fz-session',
  seq: 0,
  ts: '2026-11-23T10:00:00Z',
  agent: { name: 'fuzz' },
  kind: 'message',
  text: 'hello',
});

export function fuzzRequests(count: number, random: () => number): FuzzRequest[] {
  const pick = <T>(xs: T[]): T => xs[Math.floor(random() * xs.length)];
  const events = (body: unknown): FuzzRequest => ({
    method: 'POST',
    path: '/v1/events',
    body: JSON.stringify(body),
    service: 'ingest',
  });
  const broken: Array<() => FuzzRequest> = [
    () => ({
      method: 'POST',
      path: '/v1/events',
      body: pick([
        '{',
        '{"events": [',
        'null,',
        '\u0000',
        '{"events": [}]}',
        'NaN',
        "{'events': []}",
      ]),
      service: 'ingest',
    }),
    () =>
      events(
        pick([
          [],
          'events',
          42,
          null,
          { events: 'x' },
          { events: {} },
          { events: [] },
          { evts: [valid()] },
        ]),
      ),
    () => {
      const e: Record<string, unknown> = valid();
      const field = pick([
        'seq',
        'ts',
        'kind',
        'agent',
        'eventId',
        'sessionId',
        'tool',
        'result',
        'usage',
        'env',
        'role',
      ]);
      if (field === 'eventId' || field === 'sessionId') {
        e[field] = pick(['', 42, null, [], {}, ...INJECTIONS]);
        return events({ events: [e] });
      }
      e[field] = pick([-1, 1.5, '1', true, [], {}, null, pick(INJECTIONS), 2 ** 60, 'yesterday']);
      if (field === 'agent' || field === 'ts') return events({ events: [e] });
      // A value that is valid for this field would be accepted; make the kind demand what is missing.
      return events({
        events: [
          {
            ...e,
            kind: pick(['tool_call', 'tool_result', 'usage']),
            tool: undefined,
            result: undefined,
            usage: undefined,
          },
        ],
      });
    },
    () => events({ events: [{ ...valid(), sessionId: pick(INJECTIONS) }] }),
    () => events({ events: [{ ...valid(), tenantId: '00000000-0000-0000-0000-000000000000' }] }),
    () => ({
      method: 'POST',
      path: '/v1/events',
      body: '{"events":' + '['.repeat(3000) + ']'.repeat(3000) + '}',
      service: 'ingest',
    }),
    () => ({
      method: 'POST',
      path: '/v1/events',
      body: '{"__proto__": {"polluted": true}, "events": [{"__proto__": {"x": 1}}]}',
      service: 'ingest',
    }),
    () =>
      events({
        events: Array.from({ length: 1001 }, (_, i) => ({ ...valid(), eventId: `e${i}` })),
      }),
    () => ({
      method: 'POST',
      path: '/v1/trajectories',
      body: JSON.stringify(
        pick([
          { format: 'yaml', sessionId: 's', data: [] },
          { format: 'openai-messages', sessionId: pick(INJECTIONS), data: [] },
          { format: 'openai-messages', sessionId: 's', data: [] },
          {},
        ]),
      ),
      service: 'ingest',
    }),
    () => ({
      method: 'PUT',
      path: `/v1/agents/${encodeURIComponent(pick(['a'.repeat(200), 'x']))}/tools`,
      body: JSON.stringify(
        pick([
          { tools: 'x' },
          { tools: [{ name: '', parameters: {} }] },
          { tools: [{ name: 'a', parameters: { type: 'nope' } }] },
          { tools: Array(501).fill({ name: 'a', parameters: {} }) },
        ]),
      ),
      service: 'ingest',
    }),
    () => ({
      method: 'PUT',
      path: '/v1/settings/detector-thresholds',
      body: JSON.stringify(
        pick([{ failingRepeats: -1 }, { nope: 3 }, { identicalRepeats: 'four' }, [], 'x']),
      ),
      service: 'ingest',
    }),
    () => ({
      method: 'PUT',
      path: '/v1/settings/policy',
      body: JSON.stringify(
        pick([{ cooldownMs: -5 }, { maxPerSession: 0 }, { evil: pick(INJECTIONS) }]),
      ),
      service: 'ingest',
    }),
    () => ({
      method: 'PUT',
      path: '/v1/settings/webhook',
      body: JSON.stringify(
        pick([
          { url: 'ftp://x', secret: 'x'.repeat(20) },
          { url: 'http://127.0.0.1:1/x', secret: 'short' },
          { url: pick(INJECTIONS), secret: 'x'.repeat(20) },
        ]),
      ),
      service: 'ingest',
    }),
    () => ({
      method: 'GET',
      path: `/v1/sessions/${encodeURIComponent(pick(INJECTIONS))}/guidance`,
      service: 'intervention',
    }),
    () => ({
      method: 'GET',
      path: `/v1/sessions/s/guidance?waitMs=${encodeURIComponent(pick(['abc', '-5', '1.5', 'Infinity', "1'; --"]))}`,
      service: 'intervention',
    }),
    () => ({
      method: 'POST',
      path: `/v1/guidance/${encodeURIComponent(pick(['not-a-uuid', pick(INJECTIONS), '00000000-0000-0000-0000-000000000000']))}/ack`,
      service: 'intervention',
    }),
    () => ({
      method: 'GET',
      path: `/v1/analytics/${pick(['misbehaviour-rate', 'counts', 'resolution', 'latency'])}?${pick(
        [
          `groupBy=${encodeURIComponent(pick(INJECTIONS))}`,
          `from=${encodeURIComponent(pick(INJECTIONS))}`,
          'from=2026-11-23T00:00:00Z&to=2026-11-01T00:00:00Z',
          `to=${encodeURIComponent(pick(['yesterday', '2026-13-45T99:00:00Z', '1e99']))}`,
          `subtype=${encodeURIComponent(pick(INJECTIONS))}&groupBy=day`,
        ],
      )}`,
      service: 'api',
    }),
    () => ({
      method: 'GET',
      path: pick([
        `/v1/sessions?limit=${encodeURIComponent(pick(['0', '-1', '1e9', 'abc', '1; DROP TABLE sessions']))}`,
        `/v1/sessions/${encodeURIComponent(pick(INJECTIONS))}/timeline`,
        `/v1/experiments/${encodeURIComponent(pick(['nope', pick(INJECTIONS), '00000000-0000-0000-0000-000000000000']))}/results`,
      ]),
      service: 'api',
    }),
    () => ({
      method: 'POST',
      path: pick([
        `/v1/sessions/${encodeURIComponent(pick(['fz-session', pick(INJECTIONS)]))}/labels`,
        `/v1/verdicts/${encodeURIComponent(pick(['not-a-uuid', '00000000-0000-0000-0000-000000000000', pick(INJECTIONS)]))}/labels`,
      ]),
      body: JSON.stringify(
        pick<unknown>([
          {},
          { judgement: pick(INJECTIONS), labelledBy: 'x' },
          { judgement: 'misbehaved', labelledBy: 'x' },
          { judgement: 'clean', category: 'reasoning_problem', labelledBy: 'x' },
          { judgement: 'true_positive', labelledBy: '' },
          { judgement: 'misbehaved', subtype: pick(INJECTIONS), labelledBy: 'x' },
          { judgement: 'true_positive', labelledBy: 'x', note: 'n'.repeat(3000) },
          {
            judgement: 'misbehaved',
            category: 'tool_call_failure',
            subtype: 'repetitive_loop',
            labelledBy: 'x',
          },
          ['judgement'],
        ]),
      ),
      service: 'api',
    }),
    () => ({
      method: 'POST',
      path: '/v1/experiments',
      body: JSON.stringify(
        pick<unknown>([
          {},
          { name: 'x' },
          { name: 'x', treatmentShare: pick([0, 1, -0.5, 2, '0.5', null, 'NaN']) },
          { name: pick(['', 'n'.repeat(300)]), treatmentShare: 0.5 },
          { name: 'x', treatmentShare: 0.5, extra: pick(INJECTIONS) },
          { __proto__: { polluted: true }, name: 'x' },
        ]),
      ),
      service: 'api',
    }),
  ];
  return Array.from({ length: count }, () => pick(broken)());
}

/** A few bodies just over the 1 MiB limit (costly, so not part of the random mix). */
export function oversizedRequests(count: number): FuzzRequest[] {
  const text = 'x'.repeat(64 * 1024);
  const body = JSON.stringify({
    events: Array.from({ length: 17 }, (_, i) => ({ ...valid(), eventId: `big${i}`, text })),
  });
  return Array.from({ length: count }, () => ({
    method: 'POST',
    path: '/v1/events',
    body,
    service: 'ingest' as const,
  }));
}
