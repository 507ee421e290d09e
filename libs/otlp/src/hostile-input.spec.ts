import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { TrajectoryEvent, validate } from '@wink/contracts';
import { decodeRequest, type Signal } from './proto.js';
import { partialSuccessOf, readExport } from './read-export.js';
import { agentRun, claudeCodeTurn, codexTurn } from './testing/fixtures.js';

/** Values of the wrong type, size or shape, put in place of each field of a realistic export. */
const HOSTILE: unknown[] = [
  null,
  0,
  -1,
  1.5,
  '',
  'x',
  '9'.repeat(30),
  true,
  [],
  {},
  [1],
  { stringValue: 5 },
  { intValue: 'z' },
  { arrayValue: { values: [null] } },
  { kvlistValue: { values: [{ key: 1 }] } },
  '[{"role":"user","parts":"x"}]',
  '{"content":[1,null]}',
  '+275760-09-13T00:00:00.000Z',
];

function paths(value: unknown, at: Array<string | number> = []): Array<Array<string | number>> {
  if (!value || typeof value !== 'object') return [at];
  return [
    at,
    ...Object.entries(value).flatMap(([k, v]) =>
      paths(v, [...at, Array.isArray(value) ? Number(k) : k]),
    ),
  ];
}

function withValue(base: unknown, path: Array<string | number>, value: unknown): unknown {
  const copy = structuredClone(base) as Record<string | number, unknown>;
  let node = copy;
  for (const key of path.slice(0, -1)) node = node[key] as Record<string | number, unknown>;
  node[path[path.length - 1]] = structuredClone(value);
  return copy;
}

/** Reads an export all the way, as the receiver does; returns what went wrong, if anything threw. */
function readAll(signal: Signal, body: unknown): string | null {
  try {
    const read = readExport(signal, body);
    if (read.ok) {
      partialSuccessOf(signal, read.value);
      for (const { event } of read.value.events) validate(TrajectoryEvent, event);
    } else {
      assert.ok(read.error.field && read.error.message);
    }
    return null;
  } catch (error) {
    return (error as Error).message;
  }
}

describe('OTLP reading under hostile input', () => {
  it('answers every field of a realistic export replaced by a hostile value without throwing', () => {
    const failures: string[] = [];
    for (const [signal, base] of [
      ['traces', agentRun()],
      ['logs', claudeCodeTurn()],
      ['logs', codexTurn()],
    ] as const) {
      for (const path of paths(base).filter((p) => p.length > 0)) {
        for (const value of HOSTILE) {
          const problem = readAll(signal, withValue(base, path, value));
          if (problem) failures.push(`${path.join('.')} = ${JSON.stringify(value)}: ${problem}`);
        }
      }
    }
    assert.deepEqual(failures.slice(0, 5), []);
  });

  it('either refuses random bytes as protobuf or reads what they decode to without throwing', () => {
    let seed = 42;
    const random = () => (seed = (seed * 1_103_515_245 + 12_345) % 2 ** 31) / 2 ** 31;
    const failures: string[] = [];
    for (let i = 0; i < 5000; i++) {
      const bytes = Uint8Array.from({ length: Math.floor(random() * 64) }, () =>
        Math.floor(random() * 256),
      );
      for (const signal of ['traces', 'logs'] as const) {
        let decoded: unknown;
        try {
          decoded = decodeRequest(signal, bytes);
        } catch {
          continue;
        }
        const problem = readAll(signal, decoded);
        if (problem) failures.push(`${Buffer.from(bytes).toString('hex')}: ${problem}`);
      }
    }
    assert.deepEqual(failures.slice(0, 5), []);
  });
});
