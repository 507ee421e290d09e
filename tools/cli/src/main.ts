import { parseArgs } from 'node:util';
import { FORMATS, type Format } from '@wink/importers';
import type { TrajectoryEvent } from '@wink/contracts';
import { analyzeSession, detect, formatVerdicts } from './commands/analyze.js';
import { detectWithJudge, judgeFromEnv, type JudgeSpend } from './commands/judge-offline.js';
import {
  formatDeadLetter,
  formatDeadLetters,
  listDeadLetters,
  replayDeadLetter,
  showDeadLetter,
} from './commands/dead-letters.js';
import { exportLabels, formatPrecision, label, precision } from './commands/labels.js';
import { formatKeys, issueKey, listKeys, parseScopes, revokeKey } from './commands/keys.js';
import { formatReplayReport, replay } from './commands/replay.js';
import { evaluate, formatEvaluation } from './evaluation.js';
import { readSessions } from './labelled-sessions.js';
import { runHook } from './hooks/run-hook.js';

const USAGE = `usage:
  wink analyze FILE… [--format F] [--json] [--judge]
      Runs the detectors over trajectory files offline and prints the verdicts per session.
  wink eval FILE.jsonl [--json] [--judge]
      Scores the detectors on labelled sessions: precision, recall, F1 per category and subtype.
  wink hook claude-code|codex
      Reads a Claude Code or Codex CLI hook event on stdin, records the step and prints any
      guidance in the hook's output format (WINK_URL, WINK_GUIDANCE_URL, WINK_API_KEY).
  wink replay FILE… --url URL --key KEY [--guidance-url URL] [--rate N] [--json]
      Streams the sessions into a running pipeline as new sessions and prints the guidance
      that came back and the event-to-guidance latency percentiles.
  wink label session ID --judgement misbehaved|clean [--category C] [--subtype S] [--step N]
             [--note TEXT] --by NAME
  wink label verdict ID --judgement true_positive|false_positive [--subtype S] [--note TEXT] --by NAME
      Records a person's judgement of a session or a verdict.
  wink labels export [--out FILE]
      Writes the labelled history as the labelled-session JSONL that eval reads.
  wink labels precision
      Each detector's precision on labelled verdicts.
  wink dead-letters list [--topic T] [--limit N] | show ID | replay ID [--json]
      Messages the consumers set aside (unreadable, or failing the same way after retries):
      list them, show one with its original bytes, or publish it again once the cause is fixed.
      Talks to the recorder: --recorder-url (WINK_RECORDER_URL, default http://127.0.0.1:3003).
  wink keys issue --scopes ingest,read,admin | wink keys list | wink keys revoke PREFIX
      Issues a key of the tenant with the given scopes (printed once), lists the tenant's keys,
      or revokes the keys with a prefix; needs a key with the admin scope.
  label, labels and keys talk to the analytics API: --api-url (WINK_API_URL, default
  http://127.0.0.1:3004) and --key (WINK_API_KEY).
formats: auto (default), ${FORMATS.join(', ')}
--judge adds the LLM judge: JUDGE_BASE_URL, JUDGE_API_KEY, JUDGE_MODEL, JUDGE_CONFIRM_MODEL,
  JUDGE_EVERY_STEPS (5), JUDGE_WINDOW_TOKENS (2000).`;

type Options = { values: Record<string, string | boolean | undefined>; positionals: string[] };

function options(args: string[]): Options {
  return parseArgs({
    args,
    allowPositionals: true,
    options: {
      format: { type: 'string', default: 'auto' },
      json: { type: 'boolean', default: false },
      judge: { type: 'boolean', default: false },
      url: { type: 'string' },
      'guidance-url': { type: 'string' },
      key: { type: 'string', default: process.env.WINK_API_KEY },
      rate: { type: 'string', default: '20' },
      'api-url': { type: 'string', default: process.env.WINK_API_URL ?? 'http://127.0.0.1:3004' },
      judgement: { type: 'string' },
      category: { type: 'string' },
      subtype: { type: 'string' },
      step: { type: 'string' },
      note: { type: 'string' },
      by: { type: 'string', default: process.env.USER },
      out: { type: 'string' },
      'recorder-url': {
        type: 'string',
        default: process.env.WINK_RECORDER_URL ?? 'http://127.0.0.1:3003',
      },
      topic: { type: 'string' },
      limit: { type: 'string', default: '50' },
      scopes: { type: 'string' },
    },
  });
}

function read(opts: Options) {
  const format = String(opts.values.format);
  if (format !== 'auto' && !(FORMATS as readonly string[]).includes(format)) {
    throw new UsageError(`unknown format ${format}`);
  }
  const result = readSessions(opts.positionals, format as Format | 'auto');
  for (const error of result.errors) console.error(error);
  return result;
}

class UsageError extends Error {}

async function hook(dialect: string | undefined): Promise<number> {
  if (dialect !== 'claude-code' && dialect !== 'codex')
    throw new UsageError('hook takes claude-code or codex');
  try {
    const out = await runHook(dialect, {
      url: process.env.WINK_URL ?? 'http://127.0.0.1:3000',
      guidanceUrl: process.env.WINK_GUIDANCE_URL ?? process.env.WINK_URL ?? 'http://127.0.0.1:3002',
      apiKey: process.env.WINK_API_KEY ?? '',
      budgetMs: Number(process.env.WINK_HOOK_BUDGET_MS ?? 1500),
      env: process.env.WINK_ENV as 'production' | 'staging' | 'dev' | undefined,
    });
    if (out) console.log(out);
  } catch {
    // Fail open: a hook that errors must never stop the agent.
  }
  return 0;
}

async function labelling(command: string, opts: Options): Promise<number> {
  const key = opts.values.key;
  if (!key) throw new UsageError(`${command} needs --key (or WINK_API_KEY)`);
  const target = { apiUrl: String(opts.values['api-url']), apiKey: String(key) };
  const [what, id] = opts.positionals;
  if (command === 'label') {
    if ((what !== 'session' && what !== 'verdict') || !id)
      throw new UsageError('label takes session ID or verdict ID');
    const v = opts.values;
    const saved = await label(target, what, id, {
      judgement: v.judgement as string | undefined,
      category: v.category as string | undefined,
      subtype: v.subtype as string | undefined,
      step: v.step === undefined ? undefined : Number(v.step),
      note: v.note as string | undefined,
      labelledBy: v.by as string | undefined,
    });
    console.log(
      opts.values.json ? JSON.stringify(saved) : `labelled ${what} ${id}: ${saved.judgement}`,
    );
    return 0;
  }
  if (what === 'export') {
    const n = await exportLabels(target, opts.values.out as string | undefined);
    if (opts.values.out) console.error(`${n} labelled sessions written to ${opts.values.out}`);
    return 0;
  }
  if (what === 'precision') {
    const rows = await precision(target);
    console.log(opts.values.json ? JSON.stringify(rows) : formatPrecision(rows));
    return 0;
  }
  throw new UsageError('labels takes export or precision');
}

async function deadLetters(opts: Options): Promise<number> {
  const key = opts.values.key;
  if (!key) throw new UsageError('dead-letters needs --key (or WINK_API_KEY)');
  const target = { recorderUrl: String(opts.values['recorder-url']), apiKey: String(key) };
  const [what, id] = opts.positionals;
  const json = opts.values.json;
  if (what === 'list') {
    const rows = await listDeadLetters(
      target,
      opts.values.topic as string | undefined,
      Number(opts.values.limit),
    );
    console.log(json ? JSON.stringify(rows) : formatDeadLetters(rows));
    return 0;
  }
  if ((what === 'show' || what === 'replay') && id) {
    if (what === 'show') {
      const letter = await showDeadLetter(target, id);
      console.log(json ? JSON.stringify(letter) : formatDeadLetter(letter));
    } else {
      const replayed = await replayDeadLetter(target, id);
      console.log(json ? JSON.stringify(replayed) : `replayed ${id} to ${replayed.replayedTo}`);
    }
    return 0;
  }
  throw new UsageError('dead-letters takes list, show ID or replay ID');
}

async function keys(opts: Options): Promise<number> {
  const key = opts.values.key;
  if (!key) throw new UsageError('keys needs --key (or WINK_API_KEY) with the admin scope');
  const target = { apiUrl: String(opts.values['api-url']), apiKey: String(key) };
  const [what, prefix] = opts.positionals;
  if (what === 'issue') {
    if (!opts.values.scopes) throw new UsageError('keys issue needs --scopes');
    let scopes: string[];
    try {
      scopes = parseScopes(String(opts.values.scopes));
    } catch (error) {
      throw new UsageError((error as Error).message);
    }
    const issued = await issueKey(target, scopes);
    console.log(opts.values.json ? JSON.stringify(issued) : issued.apiKey);
    return 0;
  }
  if (what === 'list') {
    const rows = await listKeys(target);
    console.log(opts.values.json ? JSON.stringify(rows) : formatKeys(rows));
    return 0;
  }
  if (what === 'revoke' && prefix) {
    const revoked = await revokeKey(target, prefix);
    console.log(opts.values.json ? JSON.stringify({ revoked }) : `revoked ${revoked} key(s)`);
    return revoked > 0 ? 0 : 1;
  }
  throw new UsageError('keys takes issue --scopes LIST, list, or revoke PREFIX');
}

async function main(argv: string[]): Promise<number> {
  const [command, ...rest] = argv;
  if (command === 'hook') return hook(rest[0]);
  const opts = options(rest);
  if (command === 'label' || command === 'labels') return labelling(command, opts);
  if (command === 'dead-letters') return deadLetters(opts);
  if (command === 'keys') return keys(opts);
  if (!['analyze', 'eval', 'replay'].includes(command) || opts.positionals.length === 0)
    throw new UsageError('');
  const { sessions, errors, vocabularies } = read(opts);
  const status = errors.length > 0 ? 1 : 0;
  const runner = opts.values.judge ? judgeFromEnv() : null;
  const spend: JudgeSpend = { calls: 0, tokens: 0, steps: 0 };
  const findingsOf = (events: TrajectoryEvent[]) =>
    runner ? detectWithJudge(events, runner, spend) : Promise.resolve(detect(events));
  const reportSpend = () => {
    if (!runner) return;
    const per100 = spend.steps ? Math.round((spend.tokens / spend.steps) * 100) : 0;
    console.error(
      `judge: ${spend.calls} calls, ${spend.tokens} tokens over ${spend.steps} steps (${per100} tokens per 100 steps)`,
    );
  };

  if (command === 'analyze') {
    for (const [file, v] of Object.entries(vocabularies)) {
      const names = [
        ...Object.keys(v.unmapped),
        ...Object.keys(v.mapped).map((m) => m.split(' → ')[0]),
      ];
      console.error(
        `${file}: labels in another vocabulary (${names.slice(0, 5).join(', ')}${names.length > 5 ? ', …' : ''}); analyze ignores labels`,
      );
    }
    for (const s of sessions) {
      const result = analyzeSession(s.sessionId, await findingsOf(s.events));
      console.log(opts.values.json ? JSON.stringify(result) : formatVerdicts(result));
    }
    reportSpend();
    return status;
  }
  if (command === 'eval') {
    const evaluated = [];
    for (const s of sessions)
      evaluated.push({
        labels: s.labels,
        unmapped: s.unmapped,
        findings: await findingsOf(s.events),
        outcome: s.outcome,
      });
    const report = evaluate(evaluated, Object.values(vocabularies));
    reportSpend();
    console.log(opts.values.json ? JSON.stringify(report) : formatEvaluation(report));
    return status;
  }
  if (!opts.values.url || !opts.values.key) throw new UsageError('replay needs --url and --key');
  const tty = process.stderr.isTTY;
  const report = await replay({
    sessions: new Map(sessions.map((s) => [s.sessionId, s.events])),
    url: String(opts.values.url),
    guidanceUrl: opts.values['guidance-url'] as string | undefined,
    apiKey: String(opts.values.key),
    rate: Number(opts.values.rate),
    progress: (sent, total) => {
      if (!tty) return;
      const width = 30;
      const done = Math.round((sent / total) * width);
      process.stderr.write(
        `\r[${'#'.repeat(done)}${'.'.repeat(width - done)}] ${sent}/${total} events`,
      );
      if (sent === total) process.stderr.write('\n');
    },
  });
  console.log(opts.values.json ? JSON.stringify(report) : formatReplayReport(report));
  return status;
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (error: unknown) => {
    if (
      error instanceof UsageError ||
      (error as { code?: string }).code?.startsWith('ERR_PARSE_ARGS')
    ) {
      if ((error as Error).message) console.error(`wink: ${(error as Error).message}`);
      console.error(USAGE);
      process.exit(2);
    }
    console.error(`wink: ${error instanceof Error ? error.message : String(error)}`);
    process.exit(1);
  },
);
