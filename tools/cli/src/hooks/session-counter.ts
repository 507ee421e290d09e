import {
  closeSync,
  mkdirSync,
  openSync,
  readFileSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export interface HookSessionState {
  nextSeq: number;
  sawPrompt: boolean;
}

const LOCK_STALE_MS = 2000;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/**
 * Numbers a session's steps across hook processes (each hook call is a new process, and several
 * may run at once): a small state file per session, updated under an exclusive lock file.
 */
export async function nextStep(
  sessionId: string,
  update: (s: HookSessionState) => HookSessionState,
  dir = process.env.WINK_STATE_DIR ?? join(tmpdir(), 'wink-hooks'),
  timeoutMs = 300,
): Promise<HookSessionState> {
  mkdirSync(dir, { recursive: true });
  const safe = sessionId.replace(/[^A-Za-z0-9._-]/g, '_');
  const file = join(dir, `${safe}.json`);
  const lock = `${file}.lock`;
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      closeSync(openSync(lock, 'wx'));
      break;
    } catch {
      try {
        if (Date.now() - statSync(lock).mtimeMs > LOCK_STALE_MS) rmSync(lock, { force: true });
      } catch {
        // the lock went away meanwhile
      }
      if (Date.now() > deadline) throw new Error('session state is locked');
      await sleep(5);
    }
  }
  try {
    let state: HookSessionState = { nextSeq: 0, sawPrompt: false };
    try {
      state = JSON.parse(readFileSync(file, 'utf8')) as HookSessionState;
    } catch {
      // first step of the session
    }
    const before = { ...state };
    writeFileSync(file, JSON.stringify(update(state)));
    return before;
  } finally {
    rmSync(lock, { force: true });
  }
}
