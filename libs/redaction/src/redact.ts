/** Secrets that must not leave Wink: each pattern's match is replaced by `[REDACTED:<kind>]`. */
const PATTERNS: Array<[string, RegExp]> = [
  ['private-key', /-----BEGIN [A-Z ]*PRIVATE KEY-----[\s\S]*?-----END [A-Z ]*PRIVATE KEY-----/g],
  ['connection-string', /\b([a-z][a-z0-9+.-]*:\/\/)[^\s:/@]+:[^\s@/]+@/gi],
  ['aws-key', /\b(AKIA|ASIA)[0-9A-Z]{16}\b/g],
  [
    'api-key',
    /\b(sk-(?:proj-|ant-)?[A-Za-z0-9_-]{16,}|gh[pousr]_[A-Za-z0-9]{20,}|github_pat_[A-Za-z0-9_]{20,}|xox[abprs]-[A-Za-z0-9-]{10,}|AIza[0-9A-Za-z_-]{30,}|wink_[A-Za-z0-9_-]{20,})\b/g,
  ],
  ['jwt', /\beyJ[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]{8,}\b/g],
  ['bearer', /\b(Bearer|Basic)\s+[A-Za-z0-9._~+/=-]{12,}/g],
  [
    'password',
    /\b(password|passwd|pwd|secret|token|api[_-]?key|access[_-]?key)(["']?\s*[:=]\s*["']?)[^\s"',;]{4,}/gi,
  ],
];

/** Masks API keys, tokens, passwords, private keys and credentials in connection strings. */
export function redactSecrets(text: string): string {
  let out = text;
  for (const [kind, re] of PATTERNS) {
    out = out.replace(re, (match, ...groups: unknown[]) => {
      if (kind === 'connection-string') return `${groups[0] as string}[REDACTED:credentials]@`;
      if (kind === 'password')
        return `${groups[0] as string}${groups[1] as string}[REDACTED:${kind}]`;
      if (kind === 'bearer') return `${groups[0] as string} [REDACTED:token]`;
      return `[REDACTED:${kind}]`;
    });
  }
  return out;
}
