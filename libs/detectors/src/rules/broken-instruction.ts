import { NO_FINDINGS, type Detector, type DetectorInput, type Finding } from '../finding.js';
import { pathsChangedByCommand, isTestPath } from '../tool-kinds.js';
import { pathMatches, type Constraint } from '../task-ledger.js';

const NAME = 'rules/broken-instruction@1';

function changedPaths(input: DetectorInput): string[] {
  const { step } = input;
  if (step.type !== 'call') return [];
  const { use } = step;
  if ((use.kind === 'edit' || use.kind === 'write' || use.kind === 'delete') && use.path)
    return [use.path];
  if (use.kind === 'shell' && use.command) return pathsChangedByCommand(use.command);
  return [];
}

function violation(constraint: Constraint, command: string | null, paths: string[]): string | null {
  switch (constraint.kind) {
    case 'no_test_edits': {
      const path = paths.find(isTestPath);
      return path ? `changed the test file \`${path}\`` : null;
    }
    case 'no_edit_path': {
      const path = paths.find((p) => pathMatches(p, constraint.path));
      return path ? `changed \`${path}\`` : null;
    }
    case 'only_edit': {
      const path = paths.find((p) => !constraint.paths.some((allowed) => pathMatches(p, allowed)));
      return path
        ? `changed \`${path}\`, outside ${constraint.paths.map((p) => `\`${p}\``).join(', ')}`
        : null;
    }
    case 'forbidden_command':
      return command && new RegExp(constraint.pattern, 'i').test(command)
        ? `ran \`${command.slice(0, 80)}\` (${constraint.label})`
        : null;
  }
}

/**
 * specification_drift/did_not_follow_instructions: a tool call that breaks a constraint the
 * task states — the ledger of "don't touch the tests", "only change X", "do not modify X",
 * "don't push", "don't commit", "don't add dependencies", "don't use X". Checked on every call,
 * before its result. Instructions phrased any other way, or about how to reason, are the LLM
 * judge's.
 */
export const brokenInstruction: Detector = {
  name: NAME,
  stepTypes: ['call'],
  detect(input: DetectorInput): readonly Finding[] {
    const { window, step } = input;
    if (step.type !== 'call' || !window.ledger) return NO_FINDINGS;
    const paths = changedPaths(input);
    const command = step.use.kind === 'shell' ? step.use.command : null;
    const { constraints } = window.ledger;
    for (let i = 0; i < constraints.length; i++) {
      const constraint = constraints[i];
      const what = violation(constraint, command, paths);
      if (!what) continue;
      return [
        {
          category: 'specification_drift',
          subtype: 'did_not_follow_instructions',
          confidence: 0.85,
          signature: `instruction:${i}:${constraint.kind}`,
          fromSeq: step.seq,
          toSeq: step.seq,
          reason: `${what}, although the task says "${constraint.text.slice(0, 120)}"`,
          detector: NAME,
        },
      ];
    }
    return NO_FINDINGS;
  },
};
