import { describe, it, mock } from 'node:test';
import assert from 'node:assert/strict';
import { RepeatingJob } from './repeating-job.js';

const settle = () => new Promise<void>((resolve) => setImmediate(resolve));

describe('RepeatingJob', () => {
  it('runs after the first delay, then an interval after each run ended, reporting failures, until stopped', async () => {
    mock.timers.enable({ apis: ['setTimeout'] });
    try {
      let runs = 0;
      const errors: unknown[] = [];
      const job = new RepeatingJob(
        async () => {
          runs++;
          if (runs === 2) throw new Error('database down');
        },
        1000,
        (error) => errors.push(error),
      );
      job.start(0);
      mock.timers.tick(0);
      await settle();
      assert.equal(runs, 1);
      mock.timers.tick(999);
      await settle();
      assert.equal(runs, 1, 'not before the interval');
      mock.timers.tick(1);
      await settle();
      assert.equal(runs, 2);
      assert.equal((errors[0] as Error).message, 'database down');
      mock.timers.tick(1000);
      await settle();
      assert.equal(runs, 3, 'a failed run does not stop the next');
      job.stop();
      assert.equal(job.stopped, true);
      mock.timers.tick(5000);
      await settle();
      assert.equal(runs, 3);
    } finally {
      mock.timers.reset();
    }
  });
});
