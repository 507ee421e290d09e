import { parseArgs } from 'node:util';
import { formatReplayReport, replay } from './commands/replay.js';
import { readTrajectories } from './read-trajectories.js';

const USAGE = `usage:
  wink replay FILE… --url URL --key KEY [--guidance-url URL] [--rate N] [--json]
    Streams TrajectoryEvent JSONL files into a running pipeline as new sessions, then prints
    the guidance that came back and the event-to-guidance latency percentiles.`;

async function main(argv: string[]): Promise<number> {
  const [command, ...rest] = argv;
  if (command !== 'replay') {
    console.error(USAGE);
    return 2;
  }
  const { values, positionals } = parseArgs({
    args: rest,
    allowPositionals: true,
    options: {
      url: { type: 'string' },
      'guidance-url': { type: 'string' },
      key: { type: 'string', default: process.env.WINK_API_KEY },
      rate: { type: 'string', default: '20' },
      json: { type: 'boolean', default: false },
    },
  });
  if (!values.url || !values.key || positionals.length === 0) {
    console.error(USAGE);
    return 2;
  }
  const { sessions, errors } = readTrajectories(positionals);
  for (const error of errors) console.error(error);
  if (sessions.size === 0) return 1;
  const tty = process.stderr.isTTY;
  const report = await replay({
    sessions,
    url: values.url,
    guidanceUrl: values['guidance-url'],
    apiKey: values.key,
    rate: Number(values.rate),
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
  console.log(values.json ? JSON.stringify(report) : formatReplayReport(report));
  return errors.length > 0 ? 1 : 0;
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (error: unknown) => {
    console.error(`wink: ${error instanceof Error ? error.message : String(error)}`);
    process.exit(1);
  },
);
