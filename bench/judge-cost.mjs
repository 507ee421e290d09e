// bench/judge-cost: what the LLM judge costs in tokens per 100 steps with the default prompts,
// cadence and window, on the development set's sessions (or the samples). The model is a
// loopback stand-in that answers "no violation" to every question and reports usage at four
// characters a token (messages and the answer's JSON schema), so the figure is the prompt side a
// real model would bill, plus a short answer.
//   npm run bench:judge-cost
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { FakeChatServer } from '@wink/judge/testing';
import { importData, importFile } from '@wink/importers';
import { solaSt } from '@wink/devset/dist/sources/sola-st.js';
import { tauBench } from '@wink/devset/dist/sources/tau-bench.js';
import { detectWithJudge, judgeFromEnv } from '@wink/cli/dist/commands/judge-offline.js';

const root = fileURLToPath(new URL('..', import.meta.url));
const dataDir = process.env.WINK_SHARED_DATA ?? `${root}../shared/data`;
const sessions = existsSync(dataDir)
  ? [
      ...tauBench(dataDir).slice(0, 20),
      ...solaSt(dataDir, 'repairagent').slice(0, 10),
      ...solaSt(dataDir, 'autocoderover').slice(0, 10),
    ].map((l) => importData(l.format, l.events ?? l.messages, l.sessionId))
  : ['looping-session.jsonl', 'clean-session.jsonl'].flatMap((f) =>
      importFile(`${root}samples/${f}`).sessions.map((s) => s.events),
    );

const server = new FakeChatServer(
  FakeChatServer.answering(() => ({ violation: false, reason: 'no problem seen' })),
);
const url = await server.start();
try {
  const runner = judgeFromEnv({ ...process.env, JUDGE_BASE_URL: url });
  const spend = { calls: 0, tokens: 0, steps: 0 };
  for (const events of sessions) await detectWithJudge(events, runner, spend);
  const o = runner.options;
  console.log(
    `${sessions.length} sessions, ${spend.steps} steps; cadence every ${o.everySteps} steps, window ${o.windowTokens} tokens, ${runner.prompts.length} questions per call`,
  );
  console.log(`${spend.calls} judge calls, ${spend.tokens.toLocaleString('en-US')} tokens`);
  console.log(
    `≈ ${Math.round((spend.tokens / spend.steps) * 100).toLocaleString('en-US')} tokens per 100 steps (${((spend.calls / spend.steps) * 100).toFixed(1)} calls per 100 steps)`,
  );
} finally {
  await server.stop();
}
