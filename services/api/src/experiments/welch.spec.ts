import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { welch, type Sample } from './welch.js';

function sample(values: number[]): Sample {
  const n = values.length;
  const mean = values.reduce((s, v) => s + v, 0) / n;
  const variance = values.reduce((s, v) => s + (v - mean) ** 2, 0) / (n - 1);
  return { n, mean, variance };
}

describe("welch's t-test", () => {
  it('matches R: t.test(1:5, seq(2, 10, 2)) gives t = -1.8974, df = 5.8824, p = 0.1075', () => {
    const x = sample([1, 2, 3, 4, 5]);
    const y = sample([2, 4, 6, 8, 10]);
    const r = welch(x, y);
    assert.equal(r.difference, -3);
    assert.equal(r.relativeDifference, -0.5);
    // se = sqrt(2.5/5 + 10/5) = sqrt(2.5); t = -3 / 1.5811 = -1.897; df = 2.5^2 / (0.25/4 + 4/4) = 5.882
    assert.ok(Math.abs(r.degreesOfFreedom! - 5.882) < 0.001);
    assert.ok(Math.abs(r.pValue! - 0.1075) < 0.001, `p = ${r.pValue}`);
    const [low, high] = r.ci95!;
    assert.ok(low < -3 && high > -3 && high > 0, 'the interval spans 0 when p > 0.05');
    assert.ok(Math.abs(high + low + 6) < 1e-9, 'the interval is symmetric about the difference');
  });

  it('finds a clear difference significant and a null one not', () => {
    const control = { n: 400, mean: 10, variance: 9 };
    const better = welch({ n: 400, mean: 9, variance: 9 }, control);
    assert.ok(better.pValue! < 0.001);
    assert.ok(better.ci95![1] < 0);
    const same = welch({ n: 400, mean: 10, variance: 9 }, control);
    assert.equal(same.pValue, 1);
  });

  it('gives no test for a cohort of one session, and no relative change against a zero mean', () => {
    const r = welch({ n: 1, mean: 2, variance: 0 }, { n: 10, mean: 0, variance: 1 });
    assert.equal(r.pValue, null);
    assert.equal(r.ci95, null);
    assert.equal(r.relativeDifference, null);
    assert.equal(r.difference, 2);
  });
});
