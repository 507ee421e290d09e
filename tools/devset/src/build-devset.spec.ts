import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import type { TrajectoryEvent } from '@wink/contracts';
import { fileURLToPath } from 'node:url';
import { solaSt } from './sources/sola-st.js';
import { tauBench } from './sources/tau-bench.js';

const dataDir =
  process.env.WINK_SHARED_DATA ??
  fileURLToPath(new URL('../../../../shared/data', import.meta.url));

describe('development set', { skip: !existsSync(dataDir) && `no data at ${dataDir}` }, () => {
  it('labels tau-bench runs from their tool errors, with outcomes from the reward', () => {
    const lines = tauBench(dataDir);
    assert.equal(lines.length, 200);
    assert.equal(lines.filter((l) => l.outcome === 'succeeded').length, 84);
    const labels = lines.flatMap((l) => l.labels);
    assert.equal(labels.filter((l) => l.subtype === 'nonexistent_resource').length, 7);
    assert.ok(labels.every((l) => l.category === 'tool_call_failure'));
  });

  it('turns sola-st iterations into tool calls and Repetition pairs into loop labels', () => {
    const lines = solaSt(dataDir, 'repairagent');
    assert.equal(lines.length, 60);
    const compress = lines.find((l) => l.sessionId === 'repairagent-Compress_13')!;
    assert.deepEqual(
      compress.labels.map((l) => l.step),
      [11, 43],
    );
    assert.equal(compress.events?.length, 79);
    // The README lists 10 resolved and 30 unresolved runs; the other 20 have no published outcome.
    assert.equal(lines.filter((l) => l.outcome === 'succeeded').length, 10);
    assert.equal(lines.filter((l) => l.outcome === 'failed').length, 30);
  });

  it("keeps AutoCodeRover's reasoning as messages and its write_patch replies as edits", () => {
    const lines = solaSt(dataDir, 'autocoderover');
    assert.equal(lines.length, 40);
    const sympy = lines.find((l) => l.sessionId === 'autocoderover-sympy__sympy-11870')!;
    const events = sympy.events as TrajectoryEvent[];
    const kinds = events.map((e) => e.kind);
    assert.deepEqual(kinds.slice(0, 4), ['task', 'message', 'tool_call', 'tool_result']);
    const patches = events.filter((e) => e.tool?.name === 'write_patch');
    assert.equal(patches.length, 2);
    for (const p of patches) {
      const args = p.tool!.args as Record<string, string>;
      assert.equal(args.file, 'sympy/simplify/trigsimp.py');
      assert.match(args.old, /^def trigsimp\(expr, \*\*opts\):/);
    }
    // The label still points at the repeating call.
    assert.deepEqual(
      sympy.labels.map((l) => l.step),
      [patches[1].seq],
    );
  });
});
