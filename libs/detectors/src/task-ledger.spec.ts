import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { extractLedger, pathMatches } from './task-ledger.js';

describe('extractLedger', () => {
  it('reads the common forms of constraint', () => {
    const ledger = extractLedger(
      "Fix the off-by-one in src/pager.ts. Don't change the tests. Only modify `src/pager.ts`. " +
        'Do not push to the remote. Use pnpm instead of npm.',
    );
    const kinds = ledger.constraints.map((c) =>
      c.kind === 'forbidden_command' ? c.label : c.kind,
    );
    assert.deepEqual(kinds, ['no_test_edits', 'only_edit', 'git push', 'using npm']);
    assert.deepEqual(ledger.paths, ['src/pager.ts']);
    assert.equal(ledger.mentionsTests, true);
  });

  it('reads a path that must not be touched and a dependency ban', () => {
    const ledger = extractLedger(
      'Never edit config/prod.yaml.\nPlease do not add new dependencies.',
    );
    assert.deepEqual(
      ledger.constraints.map((c) => c.kind),
      ['no_edit_path', 'forbidden_command'],
    );
  });

  it('finds no constraint in a plain request, and notes what the task allows', () => {
    const ledger = extractLedger(
      'Add tests for the CSV exporter and drop the unused legacy table.',
    );
    assert.deepEqual(ledger.constraints, []);
    assert.deepEqual(ledger.allowsDestruction, ['drop']);
  });
});

describe('pathMatches', () => {
  it('matches relative, suffix and directory forms', () => {
    assert.ok(pathMatches('/repo/src/pager.ts', 'src/pager.ts'));
    assert.ok(pathMatches('src/pager.ts', './src/pager.ts'));
    assert.ok(pathMatches('src/db/migrate.ts', 'src/db/'));
    assert.ok(!pathMatches('src/pager.test.ts', 'src/pager.ts'));
  });
});
