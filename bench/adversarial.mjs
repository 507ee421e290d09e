// bench/adversarial: the time each edge stage takes on the inputs built to make a backtracking
// regex slow (1 MiB bodies), in this process, median of several runs.
//   npm run bench:adversarial -- [--runs 5]
import { parseArgs } from 'node:util';
import { validateEventBatch } from '@wink/contracts/edge-validation.js';
import { redactEvent } from '@wink/redaction';
import { SessionWindow, ToolSchemas, observe } from '@wink/detectors';
import {
  ADVERSARIAL_SCHEMA,
  ADVERSARIAL_TEXTS,
  ADVERSARIAL_TOOL,
  adversarialSession,
} from '../tests/dist/harness/adversarial-inputs.js';

const { values } = parseArgs({ options: { runs: { type: 'string', default: '5' } } });
const runs = Number(values.runs);
const tools = new ToolSchemas({ [ADVERSARIAL_TOOL]: ADVERSARIAL_SCHEMA });

function median(fn) {
  const times = [];
  for (let i = 0; i < runs; i++) {
    const t = process.hrtime.bigint();
    fn();
    times.push(Number(process.hrtime.bigint() - t) / 1e6);
  }
  return times.sort((a, b) => a - b)[Math.floor(times.length / 2)];
}

const rows = [];
for (const name of Object.keys(ADVERSARIAL_TEXTS)) {
  const events = adversarialSession(name, 'bench');
  const body = JSON.stringify({ events });
  let parsed;
  const row = { input: name, 'body KiB': Math.round(body.length / 1024) };
  row['parse ms'] = median(() => (parsed = JSON.parse(body)));
  row['validate ms'] = median(() => {
    if (!validateEventBatch(parsed).ok) throw new Error('invalid');
  });
  let redacted;
  row['redact ms'] = median(() => (redacted = parsed.events.map(redactEvent)));
  row['serialise ms'] = median(() => redacted.map((e) => Buffer.from(JSON.stringify(e))));
  row['tool schema ms'] = median(() => tools.check(ADVERSARIAL_TOOL, events[1].tool.args));
  row['detectors ms'] = median(() => {
    const window = new SessionWindow(8);
    for (const e of redacted) observe(window, e, { tools });
  });
  for (const k of Object.keys(row))
    if (typeof row[k] === 'number' && k.endsWith('ms')) row[k] = Number(row[k].toFixed(2));
  rows.push(row);
}
console.table(rows);
