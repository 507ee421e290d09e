import {
  NO_FINDINGS,
  findingsOf,
  type Detector,
  type DetectorInput,
  type Finding,
} from '../finding.js';
import { resultText } from '../session-window.js';

const NAME = 'rules/malformed-arguments@1';

const TOOL_SAYS_MALFORMED =
  /(invalid (argument|parameter|input|value)s?|missing (\d+ )?required (positional )?(argument|parameter|field|property)|unexpected keyword argument|got an unexpected|InputValidationError|validation error|is not valid JSON|could not parse (the )?(arguments|json)|unknown (tool|function)|tool .* (does not exist|not found)|unrecognized arguments?|required property|must be (of type|a |an )|expected (string|number|integer|boolean|object|array)\b)/i;

const finding = findingsOf('tool_call_failure', 'malformed_arguments', NAME);

/**
 * tool_call_failure/malformed_arguments: arguments that cannot be right. With the tool's JSON
 * schema registered by the host: unknown tools, missing required fields and wrong types, on the
 * call. Without one: arguments that are not parseable JSON, and the tool's own error text
 * ("invalid", "missing required", "unexpected keyword"), on the result.
 */
export const malformedArguments: Detector = {
  name: NAME,
  stepTypes: ['call', 'result'],
  detect({ step, tools }: DetectorInput): readonly Finding[] {
    if (step.type === 'call') {
      const { args, action } = step;
      if (typeof args === 'string' && /^\s*[[{]/.test(args)) {
        try {
          JSON.parse(args);
        } catch {
          return [
            finding(
              `args:unparseable:${action.toolName}`,
              step.seq,
              step.seq,
              `called \`${action.toolName}\` with arguments that are not valid JSON`,
              0.9,
            ),
          ];
        }
      }
      if (tools && tools.size > 0) {
        const problem = tools.check(action.toolName, args);
        if (problem) {
          const where = problem.path ? `\`${problem.path}\` ${problem.message}` : problem.message;
          return [
            finding(
              `args:schema:${action.toolName}:${problem.path}`,
              step.seq,
              step.seq,
              `called \`${action.toolName}\` with arguments its schema rejects: ${where}`,
              0.9,
            ),
          ];
        }
      }
      return NO_FINDINGS;
    }
    if (step.type !== 'result' || !step.action.failed) return NO_FINDINGS;
    const a = step.action;
    if (a.kind === 'shell') return NO_FINDINGS;
    const text = resultText(a, 4096);
    const match = TOOL_SAYS_MALFORMED.exec(text);
    if (!match) return NO_FINDINGS;
    return [
      finding(
        `args:rejected:${a.toolName}`,
        a.callSeq,
        a.resultSeq,
        `\`${a.toolName}\` rejected its arguments: "${match[0]}"`,
        0.8,
      ),
    ];
  },
};
