/**
 * Secrets that must not leave Wink, each replaced by `[REDACTED:<kind>]`. One case-insensitive
 * regex, so each string is scanned once; kinds whose prefix is case-sensitive (an AWS key id,
 * vendor key prefixes, a JWT header) check it in the replacer. Every alternative is linear: a token may only start where the previous character
 * could not continue it (a lookbehind on the token's own class), so no run is rescanned from
 * each of its positions; every other repetition is bounded or stops at the next possible start.
 */
const SECRET = new RegExp(
  [
    // An unterminated block is redacted to the end of the string: a partial key is still secret.
    String.raw`(?<pk>-----BEGIN [A-Z ]{0,40}PRIVATE KEY-----[\s\S]*?(?:-----END [A-Z ]{0,40}PRIVATE KEY-----|$))`,
    // Only `://` and what follows: where a scheme starts inside a run like `a-a-a-x` is ambiguous.
    String.raw`(?<=[a-z0-9+.-])(?<scheme>:\/\/)[^\s:/@]+:[^\s@/]+@`,
    String.raw`(?<![\w-])(?<aws>(?:AKIA|ASIA)[0-9A-Z]{16})(?![\w])`,
    String.raw`(?<![\w-])(?<api>sk-(?:proj-|ant-)?[\w-]{16,}|gh[pousr]_[A-Za-z0-9]{20,}|github_pat_\w{20,}|xox[abprs]-[A-Za-z0-9-]{10,}|AIza[\w-]{30,}|wink_[\w-]{20,})`,
    String.raw`(?<![\w-])(?<jwt>eyJ[\w-]{8,}\.[\w-]{8,}\.[\w-]{8,})`,
    String.raw`\b(?<bearer>Bearer|Basic)[ \t]{1,16}[\w.~+/=-]{12,}`,
    String.raw`\b(?<pwname>password|passwd|pwd|secret|token|api[_-]?key|access[_-]?key)(?<pwsep>["']?[ \t]{0,8}[:=][ \t]{0,8}["']?)[^\s"',;]{4,}`,
  ].join('|'),
  'gi',
);

const CASE_SENSITIVE: Record<string, RegExp> = {
  aws: /^(?:AKIA|ASIA)[0-9A-Z]{16}$/,
  api: /^(?:sk-|gh[pousr]_|github_pat_|xox[abprs]-|AIza|wink_)/,
  jwt: /^eyJ/,
};

type Groups = Record<string, string | undefined>;

function replace(match: string, ...args: unknown[]): string {
  const g = args[args.length - 1] as Groups;
  if (g.scheme !== undefined) return `${g.scheme}[REDACTED:credentials]@`;
  if (g.pwname !== undefined) return `${g.pwname}${g.pwsep}[REDACTED:password]`;
  if (g.bearer !== undefined) return `${g.bearer} [REDACTED:token]`;
  if (g.pk !== undefined) return '[REDACTED:private-key]';
  if (g.aws !== undefined) return CASE_SENSITIVE.aws.test(g.aws) ? '[REDACTED:aws-key]' : match;
  if (g.api !== undefined) return CASE_SENSITIVE.api.test(g.api) ? '[REDACTED:api-key]' : match;
  if (g.jwt !== undefined) return CASE_SENSITIVE.jwt.test(g.jwt) ? '[REDACTED:jwt]' : match;
  return match;
}

/**
 * Whether the text may hold a secret: one scan with the same regex, allocating nothing, so the
 * common event with none is passed on as it is instead of being copied.
 */
export function maySecret(text: string): boolean {
  SECRET.lastIndex = 0;
  const found = SECRET.test(text);
  SECRET.lastIndex = 0;
  return found;
}

/** Masks API keys, tokens, passwords, private keys and credentials in connection strings. */
export function redactSecrets(text: string): string {
  SECRET.lastIndex = 0;
  return text.replace(SECRET, replace);
}
