import { anyOf } from '../any-of.js';

/**
 * Commands whose repetition is normal: waiting on a build, a rollout, a server or a log.
 * Matched against the call's summary (the shell command, or `tool(args)`).
 */
const WAITING_COMMANDS = [
  /\bsleep\s+\d/,
  /^\s*(wait|watch)\b/,
  /\btail\s+-[a-z]*f/,
  /\bkubectl\s+(rollout\s+status|wait|get\b.*(-w|--watch))/,
  /\bkubectl\s+get\s+(pods?|deploy(ment)?s?|jobs?)\b/,
  /\bgh\s+(run|pr)\s+(watch|view|checks)\b/,
  /\bdocker\s+(ps|logs|compose\s+ps)\b/,
  /\bsystemctl\s+(status|is-active)\b/,
  /\bpg_isready\b/,
  /\b(curl|wget|http)\b.*\/(health|healthz|ready|readyz|live|livez|status)\b/,
  /\bnc\s+-z\b/,
  /\b(check|get|poll|wait)_?(status|job|build|deploy|run)/i,
];

/** Matches wherever one of them does: most summaries are read once, not once a pattern. */
const ANY_WAITING = anyOf(WAITING_COMMANDS);

export function isWaitingCommand(summary: string): boolean {
  return ANY_WAITING.test(summary) && WAITING_COMMANDS.some((re) => re.test(summary));
}
