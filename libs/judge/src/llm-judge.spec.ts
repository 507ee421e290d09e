import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { TrajectoryEvent } from '@wink/contracts';
import { LlmJudge } from './llm-judge.js';
import { loadPrompts } from './prompts.js';
import { FakeChatServer, questionsAsked } from './testing/fake-chat-server.js';
import { JudgeTranscript } from './transcript.js';
import { JudgeRunner } from './judge-runner.js';

const { prompts, preamble } = loadPrompts();
const instructions = prompts.find((p) => p.name === 'instructions')!;
const scope = prompts.find((p) => p.name === 'scope')!;
const broke = { violation: true, evidence_steps: [3], reason: 'edited tests/pager.test.ts' };
const fine = { violation: false, evidence_steps: [], reason: 'nothing out of scope' };
const violation = JSON.stringify({ instructions: broke, scope: fine });

describe('loadPrompts', () => {
  it('loads one versioned binary question per judged subtype, each at its newest version', () => {
    assert.deepEqual(prompts.map((p) => `${p.name}.${p.version}:${p.subtype}`).sort(), [
      'completion.v2:false_completion',
      'instructions.v2:did_not_follow_instructions',
      'misread-output.v2:no_progress',
      'scope.v2:unrequested_changes',
    ]);
    assert.match(preamble, /"violation"/);
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

  it('asks every question in one call with a JSON-schema answer, and validates the reply', async () => {
    const outcome = await judge.ask([instructions, scope], preamble, 'TASK: fix the pager');
    assert.deepEqual(outcome, {
      kind: 'answer',
      answers: { instructions: broke, scope: fine },
      tokens: server.lastTotalTokens,
    });
    assert.equal(server.received.length, 1);
    const sent = server.received.at(-1)!;
    assert.equal(sent.model, 'judge-small');
    assert.match(
      sent.messages[0].content,
      /- instructions: Did the agent break an explicit instruction/,
    );
    assert.match(sent.messages[0].content, /- scope: Did the agent change things nobody asked for/);
    assert.equal(sent.messages[1].content, 'TASK: fix the pager');
    assert.equal(sent.response_format?.type, 'json_schema');
    assert.equal(sent.response_format?.json_schema?.strict, true);
    assert.deepEqual(questionsAsked(sent), ['instructions', 'scope']);
  });

  it('reports malformed and off-schema replies instead of throwing', async () => {
    server.setScript(() => ({ content: 'I think the agent did fine.' }));
    assert.equal((await judge.ask([instructions], preamble, 'x')).kind, 'malformed');
    server.setScript(() => ({
      content: '{"instructions": {"violation": "yes", "reason": "r"}}',
    }));
    const offSchema = await judge.ask([instructions], preamble, 'x');
    assert.deepEqual(offSchema, {
      kind: 'malformed',
      tokens: server.lastTotalTokens,
      detail: 'instructions.violation: Invalid input: expected boolean, received string',
    });
    server.setScript(() => ({ content: JSON.stringify({ instructions: broke }) }));
    const missing = await judge.ask([instructions, scope], preamble, 'x');
    assert.equal(missing.kind, 'malformed', 'every question needs its answer');
  });

  it('retries 429 and 5xx with backoff, then answers', async () => {
    const before = server.received.length;
    server.setScript((_, n) =>
      (n - before) % 3 === 1
        ? { status: 429, raw: '{}', headers: { 'retry-after-ms': '10' } }
        : (n - before) % 3 === 2
          ? { status: 503, raw: '{}' }
          : { content: violation },
    );
    const outcome = await judge.ask([instructions, scope], preamble, 'x');
    assert.equal(outcome.kind, 'answer');
    assert.equal(server.received.length - before, 3);
  });

  it('falls back to JSON mode on an endpoint that refuses JSON-schema response formats', async () => {
    server.setScript((r) =>
      r.response_format?.type === 'json_schema'
        ? { status: 400, raw: '{"error": {"message": "response_format json_schema unsupported"}}' }
        : { content: violation },
    );
    const plain = new LlmJudge(judge.options);
    const before = server.received.length;
    const first = await plain.ask([instructions, scope], preamble, 'x');
    assert.deepEqual(first.kind === 'answer' && first.answers.instructions, broke);
    await plain.ask([instructions, scope], preamble, 'x');
    assert.deepEqual(
      server.received.slice(before).map((r) => r.response_format?.type),
      ['json_schema', 'json_object', 'json_object'],
    );
  });

  it('gives up after its retries and its timeout, as a failure', async () => {
    server.setScript(() => ({ status: 500, raw: '{"error": "down"}' }));
    assert.equal((await judge.ask([instructions], preamble, 'x')).kind, 'failed');
    server.setScript(() => ({ content: violation, delayMs: 2000 }));
    const slow = new LlmJudge({ ...judge.options, maxRetries: 0, timeoutMs: 100 });
    assert.equal((await slow.ask([instructions, scope], preamble, 'x')).kind, 'failed');
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

describe('JudgeRunner.confirmedViolations against a loopback server', () => {
  const server = new FakeChatServer(() => ({ content: '' }));
  let runner: JudgeRunner;

  before(async () => {
    runner = new JudgeRunner(
      new LlmJudge({
        baseURL: await server.start(),
        apiKey: 'x',
        model: 'judge-small',
        timeoutMs: 2000,
        maxRetries: 0,
      }),
      { everySteps: 5, windowTokens: 500, model: 'judge-small', confirmModel: 'judge-large' },
    );
  });
  after(() => server.stop());

  it('asks all questions in one call and confirms only the flagged ones, together, in a second', async () => {
    server.setScript(
      FakeChatServer.answering((q) =>
        q === 'instructions' || q === 'completion' ? broke : { violation: false, reason: 'fine' },
      ),
    );
    const spent: string[] = [];
    const confirmed = await runner.confirmedViolations(runner.prompts, 'TASK: x', (_, o) => {
      spent.push(o);
    });
    assert.deepEqual(confirmed.map((c) => c.prompt.name).sort(), ['completion', 'instructions']);
    assert.deepEqual(confirmed[0].reply, broke);
    assert.deepEqual(
      server.received.map((r) => [r.model, questionsAsked(r).sort()]),
      [
        ['judge-small', ['completion', 'instructions', 'misread-output', 'scope']],
        ['judge-large', ['completion', 'instructions']],
      ],
    );
    assert.deepEqual(spent, ['answer', 'answer']);
  });

  it('drops a violation the confirming answer does not repeat, and makes no second call for none', async () => {
    server.received.length = 0;
    server.setScript(
      FakeChatServer.answering((q, r) =>
        q === 'scope' && r.model === 'judge-small' ? broke : { violation: false, reason: 'fine' },
      ),
    );
    assert.deepEqual(await runner.confirmedViolations(runner.prompts, 'TASK: x', () => {}), []);
    assert.equal(server.received.length, 2);
    server.setScript(FakeChatServer.answering(() => ({ violation: false, reason: 'fine' })));
    assert.deepEqual(await runner.confirmedViolations(runner.prompts, 'TASK: x', () => {}), []);
    assert.equal(server.received.length, 3);
  });
});

describe('JudgeTranscript after the judge read it', () => {
  it('shows new steps in full and a few already judged ones shortened, as a reminder', () => {
    const t = new JudgeTranscript();
    const say = (seq: number) =>
      t.push({
        eventId: `e${seq}`,
        sessionId: 's',
        seq,
        ts: '2026-11-23T10:00:00Z',
        agent: { name: 'a' },
        kind: 'message',
        role: 'assistant',
        text: `step ${seq} ${'y'.repeat(300)}`,
      });
    for (let seq = 1; seq <= 20; seq++) say(seq);
    t.markRead();
    say(21);
    const rendered = t.render(2000).split('\n');
    assert.equal(rendered[0], '[… 12 earlier step(s) truncated …]');
    assert.equal(rendered.length, 1 + 8 + 1 + 1);
    assert.ok(rendered[1].startsWith('[13] assistant: step 13') && rendered[1].endsWith('…'));
    assert.ok(rendered[1].length <= 101);
    assert.equal(rendered[9], '[… already reviewed above, new below …]');
    assert.ok(rendered[10].startsWith('[21] assistant: step 21') && rendered[10].length > 300);
  });
});
