// Runs compiled node:test files. Tiers: unit (*.spec.js), integration (*.integration-spec.js),
// e2e (*.e2e-spec.js). Usage: node scripts/run-tests.mjs [--tier unit|integration|e2e|all] [dir…]
// The run gets its own topic and consumer-group prefix (WINK_TOPIC_PREFIX / WINK_GROUP_PREFIX),
// so it never shares a topic or group with a pipeline on the same broker; it removes them at the end.
import { spawnSync } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';

const args = process.argv.slice(2);
let tier = 'unit';
const dirs = [];
for (let i = 0; i < args.length; i++) {
  if (args[i] === '--tier') tier = args[++i];
  else dirs.push(args[i]);
}
const suffixes = {
  unit: ['.spec.js'],
  integration: ['.integration-spec.js'],
  e2e: ['.e2e-spec.js'],
  all: ['.spec.js', '.integration-spec.js', '.e2e-spec.js'],
}[tier];
if (!suffixes) throw new Error(`unknown tier ${tier}`);

function collect(dir, out) {
  for (const name of readdirSync(dir)) {
    if (name === 'node_modules') continue;
    const path = join(dir, name);
    if (statSync(path).isDirectory()) collect(path, out);
    else if (path.includes(`${'/'}dist${'/'}`) && suffixes.some((s) => name.endsWith(s)))
      out.push(path);
  }
  return out;
}

const roots = dirs.length ? dirs : ['libs', 'services', 'tools', 'infra', 'tests'];
const files = roots.flatMap((d) => (statSync(d).isFile() ? [d] : collect(d, []))).sort();
if (files.length === 0) {
  console.log(`no ${tier} test files under ${roots.join(', ')}`);
  process.exit(0);
}
const ownsPrefix = !process.env.WINK_TOPIC_PREFIX;
const prefix = process.env.WINK_TOPIC_PREFIX || `wink-test-${randomUUID().slice(0, 8)}.`;
const naming = { topicPrefix: prefix, groupPrefix: process.env.WINK_GROUP_PREFIX || prefix };
const result = spawnSync(
  process.execPath,
  ['--test', '--test-concurrency=1', '--test-reporter=spec', ...files],
  {
    stdio: 'inherit',
    env: {
      ...process.env,
      WINK_TOPIC_PREFIX: naming.topicPrefix,
      WINK_GROUP_PREFIX: naming.groupPrefix,
    },
  },
);
if (ownsPrefix && tier !== 'unit') await removeTopics(naming);
process.exit(result.status ?? 1);

async function removeTopics(naming) {
  try {
    const { removeRunTopics } = await import('@wink/kafka');
    const brokers = (process.env.KAFKA_BROKERS ?? '127.0.0.1:9092').split(',');
    const removed = await removeRunTopics(brokers, naming);
    console.log(
      `removed the run's ${removed.topics.length} topics and ${removed.groups.length} groups (${prefix})`,
    );
  } catch (error) {
    console.error(`could not remove the run's topics under ${prefix}: ${error.message ?? error}`);
  }
}
