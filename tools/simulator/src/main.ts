// wink-simulate: drives scripted agents against a running pipeline and prints what happened.
import { parseArgs } from 'node:util';
import { WinkClient } from '@wink/client';
import { MISBEHAVIOURS, type Misbehaviour } from './scripts.js';
import { seededRandom } from './random.js';
import { runSimulatedAgent } from './simulated-agent.js';

const { values } = parseArgs({
  options: {
    url: { type: 'string', default: 'http://127.0.0.1:3000' },
    'guidance-url': { type: 'string', default: 'http://127.0.0.1:3002' },
    key: { type: 'string', default: process.env.WINK_API_KEY },
    agents: { type: 'string', default: '10' },
    misbehaviour: { type: 'string', default: 'loop' },
    comply: { type: 'string', default: '0.9' },
    steps: { type: 'string', default: '30' },
    seed: { type: 'string', default: '1' },
  },
});
if (!values.key || !(MISBEHAVIOURS as readonly string[]).includes(String(values.misbehaviour))) {
  console.error(`usage: wink-simulate --key KEY [--url URL] [--guidance-url URL] [--agents N]
  [--misbehaviour ${MISBEHAVIOURS.join('|')}] [--comply P] [--steps N] [--seed S]`);
  process.exit(2);
}
const client = new WinkClient({
  ingestUrl: values.url!,
  guidanceUrl: values['guidance-url'],
  apiKey: values.key,
});
const random = seededRandom(Number(values.seed));
const run = Date.now().toString(36);
const reports = await Promise.all(
  Array.from({ length: Number(values.agents) }, (_, i) =>
    runSimulatedAgent({
      client,
      sessionId: `sim-${run}-${i}`,
      misbehaviour: values.misbehaviour as Misbehaviour,
      complyProbability: Number(values.comply),
      steps: Number(values.steps),
      random,
    }),
  ),
);
const severities = reports.flatMap((r) => r.guidance.map((g) => g.severity));
console.log(
  JSON.stringify({
    agents: reports.length,
    guidance: severities.length,
    bySeverity: Object.fromEntries(
      ['nudge', 'warn', 'halt'].map((s) => [s, severities.filter((x) => x === s).length]),
    ),
    complied: reports.filter((r) => r.complied).length,
    halted: reports.filter((r) => r.halted).length,
  }),
);
