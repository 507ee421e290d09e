#!/usr/bin/env node
// Builds the labelled development set from the public trajectories in ../shared/data into
// .cache/devset/<source>.jsonl (not committed). WINK_SHARED_DATA overrides where the data is.
import { mkdirSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { LabelledLine } from './labelled-line.js';
import { solaSt } from './sources/sola-st.js';
import { tauBench } from './sources/tau-bench.js';

const root = fileURLToPath(new URL('../../../', import.meta.url));
const dataDir = process.env.WINK_SHARED_DATA ?? `${root}../shared/data`;
const outDir = process.argv[2] ?? `${root}.cache/devset`;

const sources: Record<string, () => LabelledLine[]> = {
  'tau-bench-airline': () => tauBench(dataDir),
  'sola-st-repairagent': () => solaSt(dataDir, 'repairagent'),
  'sola-st-autocoderover': () => solaSt(dataDir, 'autocoderover'),
};

mkdirSync(outDir, { recursive: true });
for (const [name, build] of Object.entries(sources)) {
  const lines = build();
  writeFileSync(`${outDir}/${name}.jsonl`, lines.map((l) => JSON.stringify(l)).join('\n') + '\n');
  const labelled = lines.filter((l) => l.labels.length > 0).length;
  console.log(
    `${name}: ${lines.length} sessions (${labelled} labelled, ${lines.length - labelled} clean) → ${outDir}/${name}.jsonl`,
  );
}
