// OpenHands' stuck-detector unit scenarios (tests/unit/controller/test_is_stuck.py), re-expressed
// as transcripts: CmdRunAction → Bash, FileReadAction → Read, IPythonRunCellAction →
// execute_ipython_cell, ErrorObservation → a failed result, AgentCondensationObservation → the
// system message the OpenHands importer writes for it. Each gets the subtype it should carry.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { SessionBuilder } from '../testing/session-builder.js';
import { analyse, subtypes } from '../testing/analyse.js';

const JUPYTER = '\n[Jupyter current working directory:\n[Jupyter Python interpreter:';
const CODE = `\nedit_file_by_replace(\n    'book_store.py',\n    to_replace="""def total(basket):\n    if not basket:\n        return 0\n`;

function user(s: SessionBuilder, text: string): SessionBuilder {
  return s.add({ kind: 'message', role: 'user', text });
}

function syntaxErrors(message: string, randomLine: boolean, incidents = 4): SessionBuilder {
  const s = new SessionBuilder();
  for (let i = 0; i < incidents; i++) {
    const line = randomLine ? (i + 1) * 10 : 42;
    const extra = randomLine ? '\n'.repeat(i + 1) : '';
    s.tool(
      'execute_ipython_cell',
      { code: CODE },
      {
        output: `  Cell In[1], line ${line}\nto_replace="""def largest(min_factor, max_factor):\n            ^\n${message}${extra}${JUPYTER}`,
      },
    );
  }
  return s;
}

function unterminated(randomLine: boolean, incidents = 4): SessionBuilder {
  const s = new SessionBuilder();
  for (let i = 0; i < incidents; i++) {
    const line = randomLine ? (i + 1) * 10 : 1;
    s.tool(
      'execute_ipython_cell',
      { code: CODE },
      {
        output: `print("  Cell In[1], line ${line}\nhello\n       ^\nSyntaxError: unterminated string literal (detected at line ${line})${JUPYTER}`,
      },
    );
  }
  return s;
}

const loops = (s: SessionBuilder) =>
  subtypes(analyse(s.events)).filter((t) =>
    ['repetitive_loop', 'no_progress', 'repeated_tool_error'].includes(t),
  );

describe('OpenHands stuck-detector scenarios', () => {
  it('history too short: quiet', () => {
    const s = user(new SessionBuilder(), 'Hello').bash('ls', { output: 'file1.txt\nfile2.txt' });
    assert.deepEqual(analyse(s.events), []);
  });

  it('the same command with the same (empty) output: a loop at the fourth run, again at the eighth', () => {
    const s = new SessionBuilder();
    for (let i = 0; i < 3; i++) s.bash('ls', { output: '' });
    assert.deepEqual(loops(s), [], 'three runs are not yet a loop');
    s.bash('ls', { output: '' });
    assert.deepEqual(loops(s), ['repetitive_loop']);
    user(s, 'Hello');
    for (let i = 0; i < 4; i++) s.bash('ls', { output: '' });
    assert.deepEqual(loops(s), ['repetitive_loop', 'repetitive_loop']);
  });

  it('repeating action and observation with a user message between: repetitive_loop at four', () => {
    const s = user(new SessionBuilder(), 'Hello');
    s.bash('ls', { output: '' }).bash('ls', { output: '' });
    user(s, 'Done');
    s.bash('ls', { output: '' });
    assert.deepEqual(loops(s), []);
    s.bash('ls', { output: '' });
    const findings = analyse(s.events);
    assert.deepEqual(subtypes(findings), ['repetitive_loop']);
    assert.match(findings[0].reason, /ran `ls` 4 times in a row with the same result/);
    assert.equal(findings[0].steps?.length, 4);
  });

  it('a repeated action that keeps erroring, each time differently: repeated_tool_error', () => {
    const s = user(new SessionBuilder(), 'Hello');
    const errors = [
      'Command not found',
      'Command still not found or another error',
      'Different error',
      'Command not found',
    ];
    errors.forEach((error, i) => {
      if (i === 2) user(s, 'Done');
      s.bash('invalid_command', { ok: false, error });
    });
    assert.ok(loops(s).includes('repeated_tool_error'));
    assert.ok(!loops(s).includes('repetitive_loop'));
  });

  for (const [name, message] of [
    ['invalid syntax', 'SyntaxError: invalid syntax. Perhaps you forgot a comma?'],
    ['incomplete input', 'SyntaxError: incomplete input'],
  ]) {
    it(`the same syntax error (${name}) at the same line, four times: repeated_tool_error`, () => {
      assert.deepEqual(loops(syntaxErrors(message, false)), ['repeated_tool_error']);
    });

    it(`the syntax error (${name}) moving to another line each time: quiet`, () => {
      assert.deepEqual(analyse(syntaxErrors(message, true).events), []);
    });
  }

  it('the invalid-syntax error moving, three incidents: quiet', () => {
    const s = syntaxErrors('SyntaxError: invalid syntax. Perhaps you forgot a comma?', true, 3);
    assert.deepEqual(analyse(s.events), []);
  });

  it('the same unterminated string literal four times: repeated_tool_error', () => {
    const findings = analyse(unterminated(false).events);
    assert.deepEqual(subtypes(findings), ['repeated_tool_error']);
    assert.match(findings[0].reason, /SyntaxError: unterminated string literal/);
  });

  it('the unterminated string literal on a new line each time: quiet', () => {
    assert.deepEqual(analyse(unterminated(true).events), []);
  });

  it('the same unterminated string literal only twice: quiet', () => {
    assert.deepEqual(analyse(unterminated(false, 2).events), []);
  });

  it('a syntax error whose position changes, with other output after it: quiet', () => {
    const s = new SessionBuilder();
    for (const [line, rest] of [
      [1, 'This is some additional output'],
      [1, 'Too much output here on and on'],
      [3, 'Enough'],
      [2, 'Last line of output'],
    ]) {
      s.tool(
        'execute_ipython_cell',
        { code: 'print("hello' },
        {
          output: `print("hello\n       ^\nSyntaxError: unterminated string literal (detected at line ${line})\n${rest}`,
        },
      );
    }
    assert.deepEqual(analyse(s.events), []);
  });

  it('an action/observation pattern of period 2, three times with user messages between: repetitive_loop', () => {
    const s = user(new SessionBuilder(), 'Come on');
    for (let i = 0; i < 3; i++) {
      if (i === 2) user(s, 'Come on');
      s.bash('ls', { output: 'file1.txt\nfile2.txt' });
      s.tool('Read', { file_path: 'file1.txt' }, { output: 'File content' });
    }
    const findings = analyse(s.events);
    assert.deepEqual(subtypes(findings), ['repetitive_loop']);
    assert.match(findings[0].reason, /repeated the same 2 steps \(`ls` → `Read/);
    assert.equal(findings[0].steps?.length, 6);
  });

  it('not stuck: different commands and files, one pair repeated twice', () => {
    const s = user(new SessionBuilder(), 'Hello');
    s.bash('ls', { output: 'file1.txt\nfile2.txt' })
      .tool('Read', { file_path: 'file1.txt' }, { output: 'File content' })
      .bash('pwd', { output: '/home/user' })
      .tool('Read', { file_path: 'file2.txt' }, { output: 'Another file content' });
    user(s, 'Done');
    s.bash('pwd', { output: '/home/user' }).tool(
      'Read',
      { file_path: 'file2.txt' },
      { output: 'Another file content' },
    );
    assert.deepEqual(analyse(s.events), []);
  });

  it('monologue: the same message three times is a loop; after an observation, two more are not', () => {
    const s = user(new SessionBuilder(), 'Hi there!');
    s.say('Hi there!');
    user(s, 'How are you?');
    s.call('Bash', { command: 'echo 42' });
    for (let i = 0; i < 3; i++) s.say("I'm doing well, thanks for asking.");
    assert.deepEqual(loops(s), ['repetitive_loop']);
    const before = analyse(s.events).length;
    s.add({
      kind: 'tool_result',
      role: 'tool',
      result: { callId: 'call-1', ok: true, output: 'OK, I was stuck, but no more.' },
    });
    s.say("I'm doing well, thanks for asking.").say("I'm doing well, thanks for asking.");
    assert.equal(analyse(s.events).length, before, 'nothing new after the observation');
  });

  it('ten condensations in a row: no_progress; nine, or ten with work between, are quiet', () => {
    const ten = user(new SessionBuilder(), 'Hello');
    for (let i = 0; i < 10; i++) ten.system('context condensed');
    assert.deepEqual(loops(ten), ['no_progress']);
    const nine = user(new SessionBuilder(), 'Hello');
    for (let i = 0; i < 9; i++) nine.system('context condensed');
    assert.deepEqual(analyse(nine.events), []);
    const between = user(new SessionBuilder(), 'Hello');
    for (let i = 0; i < 10; i++) {
      between.system('context condensed');
      if (i < 9) {
        between.bash(`ls ${i}`, { output: 'file1.txt\nfile2.txt' });
        if (i % 2 === 0)
          between.tool('Read', { file_path: `file${i}.txt` }, { output: `File content ${i}` });
      }
    }
    assert.deepEqual(analyse(between.events), []);
  });

  it('ten condensations with user messages between them: still no_progress', () => {
    const s = user(new SessionBuilder(), 'Hello');
    for (let i = 0; i < 10; i++) {
      s.system('context condensed');
      if (i < 9) user(s, `Please continue ${i}`);
    }
    assert.deepEqual(loops(s), ['no_progress']);
  });

  it('ten condensations, then a user message: no_progress (headless mode)', () => {
    const s = new SessionBuilder();
    for (let i = 0; i < 10; i++) s.system('context condensed');
    user(s, 'Please continue');
    assert.deepEqual(loops(s), ['no_progress']);
  });
});
