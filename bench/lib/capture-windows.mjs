// Preload that records every event pushed into a SessionWindow of this tree's @wink/detectors,
// one JSON line per event ({ window, partial, capacity, event }), to $WINK_CAPTURE_DIR/<pid>.jsonl:
// the detectors' spec fixtures, as the unit tier runs them, for bench/detectors-diff.mjs --events.
//   WINK_CAPTURE_DIR=DIR NODE_OPTIONS="--import $PWD/bench/lib/capture-windows.mjs" \
//     node scripts/run-tests.mjs --tier unit
import { appendFileSync, mkdirSync } from 'node:fs';
import { SessionWindow } from '@wink/detectors';

const dir = process.env.WINK_CAPTURE_DIR;
if (!dir) throw new Error('capture-windows needs WINK_CAPTURE_DIR');
mkdirSync(dir, { recursive: true });
const file = `${dir}/${process.pid}.jsonl`;
const ids = new WeakMap();
let windows = 0;
const push = SessionWindow.prototype.push;
SessionWindow.prototype.push = function (event) {
  if (!ids.has(this)) ids.set(this, windows++);
  const record = { window: ids.get(this), partial: this.partial, capacity: this.capacity, event };
  appendFileSync(file, `${JSON.stringify(record)}\n`);
  return push.call(this, event);
};
