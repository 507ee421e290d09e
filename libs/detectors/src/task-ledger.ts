/** A rule the task text states, that tool calls can be checked against. */
export type Constraint =
  | { kind: 'no_test_edits'; text: string }
  | { kind: 'no_edit_path'; path: string; text: string }
  | { kind: 'only_edit'; paths: string[]; text: string }
  | { kind: 'forbidden_command'; pattern: string; label: string; text: string };

/** What the task says: its explicit constraints and what it names, extracted once per session. */
export interface TaskLedger {
  constraints: Constraint[];
  /** File paths the task names: the deliverable, for a bug fix. */
  paths: string[];
  mentionsTests: boolean;
  mentionsDependencies: boolean;
  mentionsFormatting: boolean;
  /** The task asks for a change to the code (fix, add, implement…), not only for information. */
  asksForChange: boolean;
  /** Destructive verbs the task itself asks for ("drop the table", "force-push"), lower case. */
  allowsDestruction: string[];
}

const NEGATION = String.raw`\b(?:don'?t|do not|never|must not|mustn'?t|should not|shouldn'?t|avoid|without|no need to)\b`;
const CHANGE_VERB = String.raw`\b(?:touch|modify|change|edit|alter|update|rewrite|delete|remove)\w*`;
/** A backquoted token, or a run of path characters (one quantifier: linear on any input). */
export const PATH_TOKEN = /`([^`\s]+)`|([\w.\/*-]+)/g;
const FILE_NAME =
  /^[\w-]+\.(?:py|ts|tsx|js|jsx|java|go|rs|rb|php|c|h|cpp|cs|kt|swift|json|ya?ml|toml|cfg|ini|md|txt|sql|sh|lock|xml|gradle|html|css)$/;
const NEGATED = new RegExp(NEGATION);
const CHANGES = new RegExp(CHANGE_VERB);
const CHANGES_TESTS = new RegExp(`${CHANGE_VERB}[^.]*\\btests?\\b|\\btests?\\b[^.]*${CHANGE_VERB}`);
/** A sentence from its negation on. */
const FROM_NEGATION = new RegExp(`${NEGATION}.*`);
/** How much of a task the ledger reads. */
export const TASK_SCAN_MAX = 16_384;
/** How much of one sentence the constraint patterns read. */
const SENTENCE_MAX = 1024;
const MAX_CONSTRAINTS = 16;
const MAX_PATHS = 16;

function pathsIn(text: string): string[] {
  const out: string[] = [];
  for (const m of text.matchAll(PATH_TOKEN)) {
    if (m[1] !== undefined) {
      const token = m[1].replace(/[.,:;)]+$/, '');
      if (token.includes('/') || /\.\w+$/.test(token)) out.push(token);
      continue;
    }
    // Neither a path nor a file name without a `/` or a `.`: most words end here.
    if (!m[2].includes('/') && !m[2].includes('.')) continue;
    const token = m[2].replace(/^[./]*\//, '').replace(/[.,:;)]+$/, '');
    const slash = token.indexOf('/');
    if (slash > 0 && /^[\w.-]+$/.test(token.slice(0, slash))) out.push(token);
    else if (FILE_NAME.test(token)) out.push(token);
  }
  return out;
}

function escape(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/**
 * Extracts the constraint ledger from the task text: "don't touch the tests", "only change
 * X", "do not modify X", "don't push", "don't commit", "don't add dependencies", "don't use X",
 * "use X instead of Y". What these patterns cannot read is left to the LLM judge.
 */
export function extractLedger(fullTask: string): TaskLedger {
  const task = fullTask.length > TASK_SCAN_MAX ? fullTask.slice(0, TASK_SCAN_MAX) : fullTask;
  const constraints: Constraint[] = [];
  const sentences = task
    .split(/(?<=[.!?;])\s+|\n+/)
    .map((s) => (s.length > SENTENCE_MAX ? s.slice(0, SENTENCE_MAX) : s).trim())
    .filter(Boolean);
  for (const sentence of sentences) {
    const lower = sentence.toLowerCase();
    const negated = NEGATED.test(lower);
    if (
      negated &&
      CHANGES_TESTS.test(lower) &&
      !/\badd\w*\b[^.]*\btests?\b/.test(lower.replace(FROM_NEGATION, ''))
    ) {
      constraints.push({ kind: 'no_test_edits', text: sentence });
    }
    if (negated && CHANGES.test(lower)) {
      const after = sentence.slice(lower.search(CHANGES));
      for (const path of pathsIn(after))
        constraints.push({ kind: 'no_edit_path', path, text: sentence });
    }
    const only = /\bonly\s+(?:change|modify|edit|touch|update)\w*\b(.*)/i.exec(sentence);
    if (only) {
      const paths = pathsIn(only[1]);
      if (paths.length) constraints.push({ kind: 'only_edit', paths, text: sentence });
    }
    if (negated && /\bpush\b/.test(lower)) {
      constraints.push({
        kind: 'forbidden_command',
        pattern: String.raw`\bgit\s+push\b`,
        label: 'git push',
        text: sentence,
      });
    }
    if (negated && /\bcommit\b/.test(lower)) {
      constraints.push({
        kind: 'forbidden_command',
        pattern: String.raw`\bgit\s+commit\b`,
        label: 'git commit',
        text: sentence,
      });
    }
    if (negated && /\b(add|install|introduce)\w*\b.*\b(dependenc|packages?\b|librar)/.test(lower)) {
      constraints.push({
        kind: 'forbidden_command',
        pattern: String.raw`\b(npm|pnpm|yarn|bun)\s+(i|install|add)\s+[^-\s]|\bpip3?\s+install\s+(?!-r|-e|\.)\S|\b(poetry|cargo|go)\s+(add|get)\s+\S`,
        label: 'installing a dependency',
        text: sentence,
      });
    }
    // Both patterns need a "use".
    const banned = lower.includes('use')
      ? [
          ...lower.matchAll(/\b(?:don'?t|do not|never)\s+use\s+`?([\w.@/+-]+)`?/g),
          ...lower.matchAll(/\buse\s+`?[\w.@/+-]+`?\s+instead\s+of\s+`?([\w.@/+-]+)`?/g),
        ]
      : [];
    for (const m of banned) {
      const name = m[1].replace(/[.,;:]+$/, '');
      constraints.push({
        kind: 'forbidden_command',
        pattern: String.raw`(^|[\s;&|(])${escape(name)}\b`,
        label: `using ${name}`,
        text: sentence,
      });
    }
  }
  const lower = task.toLowerCase();
  return {
    constraints: constraints.slice(0, MAX_CONSTRAINTS),
    paths: [...new Set(pathsIn(task))].slice(0, MAX_PATHS),
    mentionsTests: /\btests?\b|\bspec\b/.test(lower),
    mentionsDependencies: /\b(dependenc\w*|install|package|library|upgrade|bump)\b/.test(lower),
    mentionsFormatting: /\b(format\w*|lint\w*|prettier|black|gofmt|style)\b/.test(lower),
    asksForChange: /\b(fix|change|update|modify|implement|add|refactor|rename|remove|make)\b/.test(
      lower,
    ),
    allowsDestruction: [
      ...lower.matchAll(
        /\b(delete|remove|drop|truncate|reset|force[- ]push|destroy|wipe|purge|clean|uninstall|rm)\b/g,
      ),
    ].map((m) => m[1]),
  };
}

export function pathMatches(path: string, pattern: string): boolean {
  const p = path.replace(/^\.\//, '');
  const q = pattern.replace(/^\.\//, '').replace(/\/\*+$/, '/');
  if (q.endsWith('/')) return p.startsWith(q) || p.includes(`/${q}`);
  return p === q || p.endsWith(`/${q}`) || q.endsWith(`/${p}`);
}
