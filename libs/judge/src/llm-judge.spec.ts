import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { TrajectoryEvent } from '@wink/contracts';
import { LlmJudge } from './llm-judge.js';
import { loadPrompts } from './prompts.js';
import { FakeChatServer } from './testing/fake-chat-server.js';
import { JudgeTranscript } from './transcript.js';
import { JudgeRunner } from './judge-runner.js';

const { prompts, replyFormat } = loadPrompts();
const instructions = prompts.find((p) => p.name === 'instructions')!;
const violation = JSON.stringify({
  violation: true,
  evidence_steps: [3],
  reason: 'edited tests/pager.test.ts',
});

describe('loadPrompts', () => {
  it('loads one versioned binary question per judged subtype', () => {
    assert.deepEqual(prompts.map((p) => `${p.name}.${p.version}:${p.subtype}`).sort(), [
      'completion.v1:false_completion',
      'instructions.v1:did_not_follow_instructions',
      'misread-output.v1:no_progress',
      'scope.v1:unrequested_changes',
    ]);
    assert.match(replyFormat, /"violation"/);
  });
});

describe('LlmJudge against a loopback chat-completions server', () => {
  const server = new FakeChatServer(() => ({ content: violation }));
  let judge: LlmJudge;

  before(async () => {
    judge = new LlmJudge({
      baseURL: await server.start(),
      apiKey: 'test',
      model: 'judge-small',
      timeoutMs: 500,
      maxRetries: 2,
    });
  });
  after(() => server.stop());

  it('asks the question with the task and window, and validates the reply', async () => {
    const outcome = await judge.ask(instructions, replyFormat, 'TASK: fix the pager');
    assert.deepEqual(outcome, {
      kind: 'answer',
      reply: { violation: true, evidence_steps: [3], reason: 'edited tests/pager.test.ts' },
      tokens: server.lastTotalTokens,
    });
    const sent = server.received.at(-1)!;
    assert.equal(sent.model, 'judge-small');
    assert.match(sent.messages[0].content, /break an explicit instruction/);
    assert.equal(sent.messages[1].content, 'TASK: fix the pager');
  });

  it('reports malformed and off-schema replies instead of throwing', async () => {
    server.setScript(() => ({ content: 'I think the agent did fine.' }));
    assert.equal((await judge.ask(instructions, replyFormat, 'x')).kind, 'malformed');
    server.setScript(() => ({ content: '{"violation": "yes"}' }));
    const offSchema = await judge.ask(instructions, replyFormat, 'x');
    assert.deepEqual(offSchema, {
      kind: 'malformed',
      tokens: server.lastTotalTokens,
      detail: 'violation: Invalid input: expected boolean, received string',
    });
  });

  it('retries 429 and 5xx with backoff, then answers', async () => {
    server.setScript((_, n) =>
      n % 3 === 1
        ? { status: 429, raw: '{}', headers: { 'retry-after-ms': '10' } }
        : n % 3 === 2
          ? { status: 503, raw: '{}' }
          : { content: violation },
    );
    const before = server.received.length;
    const outcome = await judge.ask(instructions, replyFormat, 'x');
    assert.equal(outcome.kind, 'answer');
    assert.equal(server.received.length - before, 3);
  });

  it('gives up after its retries and its timeout, as a failure', async () => {
    server.setScript(() => ({ status: 500, raw: '{"error": "down"}' }));
    assert.equal((await judge.ask(instructions, replyFormat, 'x')).kind, 'failed');
    server.setScript(() => ({ content: violation, delayMs: 2000 }));
    const slow = new LlmJudge({ ...judge.options, maxRetries: 0, timeoutMs: 100 });
    assert.equal((await slow.ask(instructions, replyFormat, 'x')).kind, 'failed');
  });
});

describe('JudgeTranscript', () => {
  const event = (seq: number, over: Partial<TrajectoryEvent>): TrajectoryEvent =>
    ({
      eventId: `e${seq}`,
      sessionId: 's',
      seq,
      ts: '2026-11-23T10:00:00Z',
      agent: { name: 'a' },
      ...over,
    }) as TrajectoryEvent;

  it('keeps the task and recent steps with secrets masked, and marks what the budget cut', () => {
    const t = new JudgeTranscript(10);
    t.push(
      event(0, { kind: 'task', text: 'Deploy with token ghp_0123456789abcdefghij0123456789abcd' }),
    );
    for (let i = 1; i <= 12; i++)
      t.push(
        event(i, { kind: 'message', role: 'assistant', text: `step ${i} ${'x'.repeat(100)}` }),
      );
    assert.match(t.task, /\[REDACTED:api-key\]/);
    const rendered = t.render(60);
    assert.match(rendered, /^\[… \d+ earlier step\(s\) truncated …\]/);
    assert.match(rendered, /\[12\] assistant: step 12/);
    assert.ok(!rendered.includes('[1] assistant'));
  });
});

describe('JudgeRunner.due', () => {
  const runner = new JudgeRunner(
    new LlmJudge({
      baseURL: 'http://127.0.0.1:9/v1',
      apiKey: 'x',
      model: 'm',
      timeoutMs: 10,
      maxRetries: 0,
    }),
    {
      everySteps: 5,
      windowTokens: 100,
      model: 'm',
    },
  );
  const transcript = () => {
    const t = new JudgeTranscript();
    for (let seq = 1; seq <= 2; seq++) {
      t.push({
        eventId: `e${seq}`,
        sessionId: 's',
        seq,
        ts: '2026-11-23T10:00:00Z',
        agent: { name: 'a' },
        kind: 'message',
        role: 'assistant',
        text: 'x',
      });
    }
    return t;
  };

  it('asks every question at the tenant’s cadence, and only the uncertain subtype in between', () => {
    assert.deepEqual(runner.due(transcript(), []), []);
    assert.equal(runner.due(transcript(), [], 2).length, 4);
    assert.deepEqual(
      runner
        .due(transcript(), [{ subtype: 'false_completion', confidence: 0.6 }])
        .map((p) => p.name),
      ['completion'],
    );
    assert.deepEqual(
      runner.due(transcript(), [{ subtype: 'false_completion', confidence: 0.9 }]),
      [],
    );
  });
});
