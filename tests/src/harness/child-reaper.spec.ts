import { strict as assert } from 'node:assert';
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { describe, it } from 'node:test';

const REAPER = new URL('./child-reaper.js', import.meta.url).href;

/**
 * A parent that starts a long-lived child under the reaper, prints the child's pid and then
 * does what `ending` says.
 */
function parentThat(ending: string) {
  const script = `
    import { spawn } from 'node:child_process';
    import { reapOnExit } from ${JSON.stringify(REAPER)};
    const child = spawn(process.execPath, ['-e', 'setInterval(() => {}, 1000)'], { stdio: 'ignore' });
    reapOnExit(child);
    console.log(child.pid);
    ${ending}
  `;
  return spawn(process.execPath, ['--input-type=module', '-e', script], {
    stdio: ['ignore', 'pipe', 'ignore'],
  });
}

async function childPidOf(parent: ReturnType<typeof parentThat>): Promise<number> {
  const [chunk] = (await once(parent.stdout!, 'data')) as [Buffer];
  return Number(chunk.toString().trim());
}

function isRunning(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

async function gone(pid: number): Promise<boolean> {
  for (let i = 0; i < 100 && isRunning(pid); i++) await new Promise((r) => setTimeout(r, 50));
  return !isRunning(pid);
}

describe('reapOnExit', () => {
  it('stops the child when the parent is sent SIGTERM', async () => {
    const parent = parentThat('setInterval(() => {}, 1000);');
    const pid = await childPidOf(parent);
    assert.ok(isRunning(pid));
    parent.kill('SIGTERM');
    const [code] = await once(parent, 'exit');
    assert.equal(code, 143);
    assert.ok(await gone(pid), `child ${pid} outlived its parent`);
  });

  it('stops the child when the parent dies of an uncaught error', async () => {
    const parent = parentThat("setTimeout(() => { throw new Error('bench failed'); }, 50);");
    const pid = await childPidOf(parent);
    const [code] = await once(parent, 'exit');
    assert.equal(code, 1);
    assert.ok(await gone(pid), `child ${pid} outlived its parent`);
  });

  it('reaches a child that is frozen with SIGSTOP', async () => {
    const parent = parentThat(
      "process.kill(child.pid, 'SIGSTOP'); setTimeout(() => process.exit(0), 100);",
    );
    const pid = await childPidOf(parent);
    await once(parent, 'exit');
    assert.ok(await gone(pid), `child ${pid} outlived its parent`);
  });
});
