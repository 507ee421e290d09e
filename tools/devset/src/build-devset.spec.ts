import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
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
});
