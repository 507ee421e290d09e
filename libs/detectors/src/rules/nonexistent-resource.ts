import type { Detector, DetectorInput, Finding } from '../finding.js';
import { resultText } from '../session-window.js';

const NAME = 'rules/nonexistent-resource@1';

interface MissingPattern {
  kind: 'path' | 'command' | 'module' | 'url' | 'ref' | 'resource';
  re: RegExp;
}

/** Each pattern's first capture group, when present, names the missing thing. */
const PATTERNS: MissingPattern[] = [
  { kind: 'command', re: /(?:^|[\s:])([\w./+-]+): (?:command )?not found\b/m },
  { kind: 'module', re: /ModuleNotFoundError: No module named '([^']+)'/ },
  { kind: 'module', re: /Cannot find (?:module|package) '([^']+)'/ },
  { kind: 'path', re: /ENOENT[^\n]*?'([^']+)'/ },
  { kind: 'path', re: /(?:^|[\s:'"`])([^\s:'"`]+)['"`]?: No such file or directory/m },
  {
    kind: 'path',
    re: /(?:can't open file|cannot access|cannot open) '?([^'\s:]+)'?.*No such file/,
  },
  { kind: 'path', re: /No such file or directory(?:[^\n]*?'([^']+)')?/ },
  { kind: 'path', re: /FileNotFoundError:[^\n]*?'([^']+)'/ },
  {
    kind: 'path',
    re: /\b(?:file|path|directory) (?:`|')?([^\s`']+)(?:`|')? (?:does not exist|not found)/i,
  },
  { kind: 'path', re: /\b(?:file|path|directory)(?: or directory)? not found:?\s+([^\s,;]+)/i },
  { kind: 'ref', re: /pathspec '([^']+)' did not match/ },
  { kind: 'url', re: /\b404\b[^\n]*?(https?:\/\/\S+)?/ },
  { kind: 'resource', re: /\b((?:[\w-]+ ){0,2}[\w-]+) (?:was |is )?not found\b/i },
];

function firstCommandWord(summary: string): string {
  return summary.trim().split(/\s+/)[0] ?? summary;
}

/**
 * tool_call_failure/nonexistent_resource: a failed call whose error says the path, command,
 * module or URL it used is not there (`No such file or directory`, exit code 127,
 * `command not found`, `ModuleNotFoundError`, 404).
 */
export const nonexistentResource: Detector = {
  name: NAME,
  detect({ step }: DetectorInput): Finding[] {
    if (step.type !== 'result' || !step.action.failed) return [];
    const a = step.action;
    const text = resultText(a, 8192);
    let kind: MissingPattern['kind'] | null = null;
    let resource = '';
    for (const pattern of PATTERNS) {
      const match = pattern.re.exec(text);
      if (match) {
        kind = pattern.kind;
        resource = match[1] ?? '';
        break;
      }
    }
    if (!kind && a.exitCode === 127) {
      kind = 'command';
      resource = firstCommandWord(a.summary);
    }
    if (!kind) return [];
    const what = resource ? `${kind} \`${resource}\`` : `a ${kind}`;
    return [
      {
        category: 'tool_call_failure',
        subtype: 'nonexistent_resource',
        confidence: resource ? 0.9 : 0.75,
        signature: `missing:${kind}:${resource || a.actionFp}`,
        fromSeq: a.callSeq,
        toSeq: a.resultSeq,
        reason: `\`${a.summary}\` failed because ${what} does not exist`,
        detector: NAME,
      },
    ];
  },
};
