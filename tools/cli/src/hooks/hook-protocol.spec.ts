import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { Guidance } from '@wink/client';
import { hookOutput, hookStep } from './hook-protocol.js';

const base = { session_id: 's1', cwd: '/repo', transcript_path: '/t.jsonl' };
const guidance = (severity: Guidance['severity']): Guidance =>
  ({
    interventionId: 'g1',
    severity,
    text: `[Wink] ${severity} text`,
    subtype: 'repetitive_loop',
  }) as Guidance;

describe('hookStep', () => {
  it('maps prompts, tool calls and tool results to TrajectoryEvent bodies', () => {
    assert.deepEqual(
      hookStep({ ...base, hook_event_name: 'UserPromptSubmit', prompt: 'Fix the build' }, true),
      {
        kind: 'task',
        role: 'user',
        text: 'Fix the build',
      },
    );
    assert.equal(
      hookStep({ ...base, hook_event_name: 'UserPromptSubmit', prompt: 'and the docs' }, false)
        ?.kind,
      'message',
    );
    assert.deepEqual(
      hookStep(
        {
          ...base,
          hook_event_name: 'PreToolUse',
          tool_name: 'Bash',
          tool_input: { command: 'npm test' },
          tool_use_id: 'toolu_1',
        },
        false,
      ),
      {
        kind: 'tool_call',
        role: 'assistant',
        tool: { name: 'Bash', args: { command: 'npm test' }, callId: 'toolu_1' },
      },
    );
    assert.deepEqual(
      hookStep(
        {
          ...base,
          hook_event_name: 'PostToolUse',
          tool_name: 'Bash',
          tool_use_id: 'toolu_1',
          tool_response: { stdout: '', stderr: 'sh: pnpm: command not found', exit_code: 127 },
        },
        false,
      ),
      {
        kind: 'tool_result',
        role: 'tool',
        result: {
          callId: 'toolu_1',
          ok: false,
          output: 'sh: pnpm: command not found',
          exitCode: 127,
        },
      },
    );
    assert.equal(hookStep({ ...base, hook_event_name: 'Notification' }, false), null);
  });
});

describe('hookOutput', () => {
  it('adds advice to the model’s context', () => {
    assert.deepEqual(hookOutput({ ...base, hook_event_name: 'PostToolUse' }, [guidance('nudge')]), {
      hookSpecificOutput: { hookEventName: 'PostToolUse', additionalContext: '[Wink] nudge text' },
    });
  });

  it('denies the tool call on a halt, and blocks after one', () => {
    assert.deepEqual(hookOutput({ ...base, hook_event_name: 'PreToolUse' }, [guidance('halt')]), {
      hookSpecificOutput: {
        hookEventName: 'PreToolUse',
        permissionDecision: 'deny',
        permissionDecisionReason: '[Wink] halt text',
      },
    });
    assert.deepEqual(hookOutput({ ...base, hook_event_name: 'PostToolUse' }, [guidance('halt')]), {
      decision: 'block',
      reason: '[Wink] halt text',
    });
  });

  it('says nothing when there is no guidance', () => {
    assert.equal(hookOutput({ ...base, hook_event_name: 'PreToolUse' }, []), null);
  });
});
