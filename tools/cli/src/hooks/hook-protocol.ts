import type { TrajectoryEvent } from '@wink/contracts';
import type { Guidance } from '@wink/client';

/** What Claude Code (and Codex CLI, whose hooks speak the same protocol) send a hook on stdin. */
export interface HookInput {
  session_id: string;
  hook_event_name: string;
  cwd?: string;
  model?: string;
  prompt?: string;
  tool_name?: string;
  tool_input?: unknown;
  tool_use_id?: string;
  tool_response?: unknown;
  error?: string;
}

export type Dialect = 'claude-code' | 'codex';

type Body = Omit<TrajectoryEvent, 'eventId' | 'sessionId' | 'seq' | 'ts' | 'agent'>;

function responseText(response: unknown): { ok: boolean; output: string; exitCode?: number } {
  if (typeof response === 'string') return { ok: true, output: response };
  const r = (response ?? {}) as Record<string, unknown>;
  const stdout = typeof r.stdout === 'string' ? r.stdout : '';
  const stderr = typeof r.stderr === 'string' ? r.stderr : '';
  const exitCode =
    typeof r.exit_code === 'number'
      ? r.exit_code
      : typeof r.exitCode === 'number'
        ? r.exitCode
        : undefined;
  const failed =
    r.success === false ||
    r.is_error === true ||
    r.interrupted === true ||
    (exitCode !== undefined && exitCode !== 0);
  const output =
    stdout || stderr ? [stdout, stderr].filter(Boolean).join('\n') : JSON.stringify(response ?? '');
  return { ok: !failed, output, ...(exitCode !== undefined ? { exitCode } : {}) };
}

/** The step a hook call reports, or null for events Wink does not record. */
export function hookStep(input: HookInput, firstPrompt: boolean): Body | null {
  const callId = input.tool_use_id;
  switch (input.hook_event_name) {
    case 'UserPromptSubmit':
      return firstPrompt
        ? { kind: 'task', role: 'user', text: input.prompt ?? '' }
        : { kind: 'message', role: 'user', text: input.prompt ?? '' };
    case 'PreToolUse':
      return {
        kind: 'tool_call',
        role: 'assistant',
        tool: {
          name: input.tool_name ?? 'unknown',
          args: input.tool_input ?? {},
          ...(callId ? { callId } : {}),
        },
      };
    case 'PostToolUse': {
      const { ok, output, exitCode } = responseText(input.tool_response);
      return {
        kind: 'tool_result',
        role: 'tool',
        result: {
          ...(callId ? { callId } : {}),
          ok,
          output,
          ...(exitCode !== undefined ? { exitCode } : {}),
        },
      };
    }
    case 'PostToolUseFailure':
      return {
        kind: 'tool_result',
        role: 'tool',
        result: { ...(callId ? { callId } : {}), ok: false, error: input.error ?? 'tool failed' },
      };
    case 'SessionEnd':
      return { kind: 'session_end', role: 'system', text: 'session ended' };
    default:
      return null;
  }
}

/**
 * The hook's stdout for the guidance waiting: a `halt` denies the tool call about to run (or
 * blocks after one ran); anything else is added to the model's context as advice.
 */
export function hookOutput(input: HookInput, guidance: Guidance[]): object | null {
  if (guidance.length === 0) return null;
  const text = guidance.map((g) => g.text).join('\n');
  const halt = guidance.find((g) => g.severity === 'halt');
  const event = input.hook_event_name;
  if (halt && event === 'PreToolUse') {
    return {
      hookSpecificOutput: {
        hookEventName: event,
        permissionDecision: 'deny',
        permissionDecisionReason: halt.text,
      },
    };
  }
  if (halt) return { decision: 'block', reason: halt.text };
  if (
    event === 'PreToolUse' ||
    event === 'PostToolUse' ||
    event === 'UserPromptSubmit' ||
    event === 'SessionStart'
  ) {
    return { hookSpecificOutput: { hookEventName: event, additionalContext: text } };
  }
  return { systemMessage: text };
}
