import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { SessionBuilder } from '../testing/session-builder.js';
import { analyse, subtypes } from '../testing/analyse.js';
import { removesReplaced } from './rewrites.js';

const ORIGINAL = `        if "from django.db import models" in imports:
            imports.discard("from django.db import models")
            imports.add("from django.db import migrations, models")
        else:
            imports.add("from django.db import migrations")`;
const FIRST = `        needed = "from django.db import models" in imports or any(
            "models." in op for op in operations)
        if needed:
            imports.discard("from django.db import models")
            imports.add("from django.db import migrations, models")
        else:
            imports.add("from django.db import migrations")`;
const SECOND = `        # models is needed whenever an operation mentions it.
        if any("models." in op for op in operations):
            imports.add("from django.db import migrations, models")
        else:
            imports.add("from django.db import migrations")`;
const WRITER = 'django/db/migrations/writer.py';

/** A patch tool that applies each patch to the original checkout, as SWE-bench harnesses do. */
function patch(s: SessionBuilder, file: string, old: string, replacement: string) {
  return s.tool('write_patch', { file, old, new: replacement }, { output: 'Patch recorded.' });
}

describe('repetitive_loop: the same patch written again', () => {
  it('flags the same lines patched again right after a patch of them went through', () => {
    const s = new SessionBuilder().task('Fix the missing models import in generated migrations.');
    s.tool('search_class', { name: 'MigrationWriter' }, { output: `class MigrationWriter: …` });
    s.say('The bug is in MigrationWriter.as_string: it adds the models import too rarely.');
    patch(s, WRITER, ORIGINAL, FIRST);
    s.say('Here is the patch again, checking the operations only.');
    patch(s, WRITER, ORIGINAL, SECOND);
    const findings = analyse(s.events);
    assert.deepEqual(subtypes(findings), ['repetitive_loop']);
    assert.deepEqual(findings[0].steps, [4, 7]);
    assert.match(
      findings[0].reason,
      /patched the same lines of `django\/db\/migrations\/writer\.py`/,
    );
    assert.match(findings[0].reason, /step 7, right after its patch of them at step 4/);
  });

  it('stays quiet on a patch retried after the tool refused the first one', () => {
    // SWE-agent's and OpenHands' linters refuse an edit that breaks the syntax and leave the file
    // as it was, as a failure or as a plain observation: sending the same lines again with the
    // error fixed is the retry they ask for.
    for (const refusal of [
      {
        ok: false,
        error: 'Your proposed edit has introduced new syntax error(s): E999 SyntaxError',
      },
      {
        output:
          'Your proposed edit has introduced new syntax error(s). Please read this error message carefully and then retry editing the file.\n- E999 SyntaxError: invalid syntax\nYour changes have not been applied. Please fix your edit command and try again.',
      },
    ]) {
      const s = new SessionBuilder();
      s.tool(
        'edit',
        { path: 'src/parse.py', old_str: 'return int(x)', new_str: 'return int(x' },
        refusal,
      );
      s.tool(
        'edit',
        { path: 'src/parse.py', old_str: 'return int(x)', new_str: 'return int(x, 10)' },
        { output: 'The file src/parse.py has been edited.' },
      );
      assert.deepEqual(analyse(s.events), []);
    }
  });

  it('stays quiet on a replacement sent again that the tool reports it could not find', () => {
    const s = new SessionBuilder();
    const edit = { path: 'src/parse.py', old_str: 'return int(x)', new_str: 'return int(x, 10)' };
    s.tool(
      'str_replace_editor',
      { command: 'str_replace', ...edit },
      { output: 'The file src/parse.py has been edited.' },
    );
    s.tool(
      'str_replace_editor',
      { command: 'str_replace', ...edit, new_str: 'return int(x, base=10)' },
      {
        output:
          'ERROR:\nNo replacement was performed, old_str `return int(x)` did not appear verbatim in src/parse.py.',
      },
    );
    assert.deepEqual(analyse(s.events), []);
  });

  it('stays quiet on two insertions after the same anchor line', () => {
    const s = new SessionBuilder();
    for (const line of ['    self.cache = {}', '    self.hits = 0'])
      s.tool(
        'Edit',
        {
          file_path: 'app/store.py',
          old_string: '    def __init__(self):',
          new_string: `    def __init__(self):\n${line}`,
        },
        { output: 'The file app/store.py has been updated.' },
      );
    assert.deepEqual(analyse(s.events), []);
  });

  it('stays quiet when a test run, a look or a user message comes between the patches', () => {
    for (const between of [
      (s: SessionBuilder) =>
        s.bash('python -m pytest tests/migrations', { exitCode: 1, output: '1 failed' }),
      (s: SessionBuilder) => s.tool('read_file', { path: WRITER }, { output: ORIGINAL }),
      (s: SessionBuilder) => s.user('Please keep the discard() call.'),
    ]) {
      const s = new SessionBuilder();
      patch(s, WRITER, ORIGINAL, FIRST);
      between(s);
      patch(s, WRITER, ORIGINAL, SECOND);
      assert.deepEqual(analyse(s.events), []);
    }
  });

  it('stays quiet on the same lines patched in two different files, and on two hunks of one file', () => {
    const s = new SessionBuilder();
    patch(s, WRITER, ORIGINAL, FIRST);
    patch(s, 'django/db/migrations/serializer.py', ORIGINAL, FIRST);
    patch(s, WRITER, 'return "\\n".join(items)', 'return "\\n".join(items) + "\\n"');
    assert.deepEqual(analyse(s.events), []);
  });

  it('tells a replacement that drops its text from one that keeps it', () => {
    assert.equal(removesReplaced(ORIGINAL, FIRST), true);
    assert.equal(removesReplaced('def f():', 'def f():\n    return 1'), false);
    assert.equal(removesReplaced('   ', 'x = 1'), false);
    assert.equal(removesReplaced(null, 'x = 1'), false);
  });
});
