import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { patchCall } from './autocoderover-patch.js';

const REPLY = `# modification 1
\`\`\`python
<file>sympy/simplify/trigsimp.py</file>
<original>    return trigsimpfunc(expr)</original>
<patched>    return trigsimpfunc(custom_simplify(expr))</patched>
\`\`\`

This applies the custom simplification first.`;

describe('AutoCodeRover write_patch replies', () => {
  it('become an edit of the file, the text replaced and its replacement, and the prose around it', () => {
    const call = patchCall(REPLY)!;
    assert.deepEqual(call.args, {
      call: 'write_patch',
      file: 'sympy/simplify/trigsimp.py',
      old: '    return trigsimpfunc(expr)',
      new: '    return trigsimpfunc(custom_simplify(expr))',
    });
    assert.equal(call.prose, 'This applies the custom simplification first.');
  });

  it('list the files of a patch that touches several, and find no patch in a reply without one', () => {
    const two = `${REPLY}\n\n# modification 2\n\`\`\`python\n<file>sympy/core/basic.py</file>\n<original>a</original>\n<patched>b</patched>\n\`\`\``;
    const call = patchCall(two)!;
    assert.deepEqual(call.args.files, ['sympy/simplify/trigsimp.py', 'sympy/core/basic.py']);
    assert.equal(call.args.file, undefined);
    assert.equal(call.args.old, '    return trigsimpfunc(expr)\na');
    assert.equal(patchCall('I cannot write a patch without the code.'), null);
  });
});
