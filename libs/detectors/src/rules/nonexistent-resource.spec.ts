import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { SessionBuilder } from '../testing/session-builder.js';
import { analyse } from '../testing/analyse.js';

const missing = (events: SessionBuilder['events']) =>
  analyse(events).filter((f) => f.subtype === 'nonexistent_resource');

const AIRLINE_POLICY =
  'You are an airline agent. Look up the user before changing a reservation; payment methods must be in the user profile.';

describe('nonexistent_resource: a made-up name', () => {
  it('flags reading a module path that no listing, search or task ever showed', () => {
    const s = new SessionBuilder()
      .task('The CSV export drops the header row. Fix it in src/export/csv_writer.py.')
      .bash('ls src/export', { output: '__init__.py\ncsv_writer.py\nformats.py\n' })
      .tool(
        'Read',
        { file_path: 'src/export/helpers.py' },
        {
          ok: false,
          error: 'File does not exist: src/export/helpers.py',
        },
      );
    const findings = missing(s.events);
    assert.equal(findings.length, 1);
    assert.equal(findings[0].signature, 'missing:path:src/export/helpers.py');
    assert.match(
      findings[0].reason,
      /nothing earlier in the session named `src\/export\/helpers.py`/,
    );
  });

  it('stays quiet on a name not seen in a window rebuilt without the whole record', () => {
    const s = new SessionBuilder()
      .bash('ls src/export', { output: '__init__.py\ncsv_writer.py\nformats.py\n' })
      .tool(
        'Read',
        { file_path: 'src/export/helpers.py' },
        { ok: false, error: 'File does not exist: src/export/helpers.py' },
      );
    const partial = analyse(s.events, {}, true).filter((f) => f.subtype === 'nonexistent_resource');
    assert.deepEqual(partial, []);
  });

  it('flags an id the agent composed that neither the customer nor any tool gave', () => {
    const s = new SessionBuilder()
      .system(AIRLINE_POLICY)
      .task('I want to move my flight on reservation 1N99U6 to the 19th.')
      .tool(
        'get_reservation_details',
        { reservation_id: '1N99U6' },
        {
          output:
            '{"reservation_id": "1N99U6", "user_id": "james_taylor_7043", "payment_history": [{"payment_id": "gift_card_5634230", "amount": 240}]}',
        },
      )
      .say('Use the card on file.')
      .tool(
        'update_reservation_flights',
        { reservation_id: '1N99U6', cabin: 'economy', payment_id: 'credit_card_5634230' },
        { ok: false, output: 'Error: payment method not found' },
      );
    const findings = missing(s.events);
    assert.equal(findings.length, 1);
    assert.match(findings[0].reason, /nothing earlier in the session named `credit_card_5634230`/);
  });

  it('flags a script the agent guessed, and a command nobody mentioned', () => {
    const s = new SessionBuilder()
      .task('Run the linters and fix what they report.')
      .bash('python scripts/run_lint.py', {
        exitCode: 2,
        error:
          "python: can't open file '/repo/scripts/run_lint.py': [Errno 2] No such file or directory",
      })
      .bash('ruff check .', { exitCode: 127, error: 'bash: ruff: command not found' });
    assert.deepEqual(
      missing(s.events).map((f) => f.signature),
      ['missing:path:/repo/scripts/run_lint.py', 'missing:command:ruff'],
    );
  });
});

describe('nonexistent_resource: the same failed lookup again', () => {
  it('flags looking up an id again after it was not found, though the customer gave it', () => {
    const s = new SessionBuilder()
      .system(AIRLINE_POLICY)
      .task('Please cancel reservation ZFA04Y.')
      .tool(
        'get_reservation_details',
        { reservation_id: 'ZFA04Y' },
        {
          ok: false,
          output: 'Error: reservation ZFA04Y not found',
        },
      )
      .say('Let me try that again.')
      .tool(
        'get_reservation_details',
        { reservation_id: 'ZFA04Y' },
        {
          ok: false,
          output: 'Error: reservation ZFA04Y not found',
        },
      );
    const findings = missing(s.events);
    assert.equal(findings.length, 1);
    assert.equal(findings[0].fromSeq, 5);
    assert.match(findings[0].reason, /the same lookup had already failed/);
  });

  it('flags a second attempt on a file the task named but that is not there', () => {
    const s = new SessionBuilder()
      .task('Update docs/CONTRIBUTING.md with the new release steps.')
      .bash('cat docs/CONTRIBUTING.md', {
        exitCode: 1,
        error: 'cat: docs/CONTRIBUTING.md: No such file or directory',
      })
      .bash('head -50 docs/CONTRIBUTING.md', {
        exitCode: 1,
        error: "head: cannot open 'docs/CONTRIBUTING.md' for reading: No such file or directory",
      });
    const findings = missing(s.events);
    assert.equal(findings.length, 1);
    assert.equal(findings[0].fromSeq, 3);
  });
});

describe('nonexistent_resource: a one-off miss on a name the context gave', () => {
  it('stays quiet when a customer-typed id is not found once and the agent asks again', () => {
    const s = new SessionBuilder()
      .system(AIRLINE_POLICY)
      .task('Hi, my user id is sara_doe_496 and I want to cancel reservation 45698213.')
      .tool(
        'get_user_details',
        { user_id: 'sara_doe_496' },
        {
          ok: false,
          output: 'Error: user not found',
        },
      )
      .say('I could not find that user id. Could you check it?')
      .user('Sorry, it is sara_doe_469.')
      .tool(
        'get_user_details',
        { user_id: 'sara_doe_469' },
        {
          output: '{"user_id": "sara_doe_469", "reservations": ["45698213"]}',
        },
      );
    assert.deepEqual(missing(s.events), []);
  });

  it('stays quiet on a card id built from the digits the customer typed, then corrected', () => {
    const s = new SessionBuilder()
      .system(AIRLINE_POLICY)
      .task('Upgrade reservation M20IZO to business; charge my credit card ending in 7334.')
      .tool(
        'update_reservation_flights',
        { reservation_id: 'm20izo', cabin: 'business', payment_id: 'credit_card_7334' },
        { ok: false, output: 'Error: payment method not found' },
      )
      .tool(
        'get_user_details',
        { user_id: 'aarav_ahmed_6699' },
        {
          output:
            '{"payment_methods": {"credit_card_9074831": {"source": "credit_card", "last_four": "7334"}}}',
        },
      )
      .tool(
        'update_reservation_flights',
        { reservation_id: 'M20IZO', cabin: 'business', payment_id: 'credit_card_9074831' },
        { output: '{"reservation_id": "M20IZO", "cabin": "business"}' },
      );
    assert.deepEqual(missing(s.events), []);
  });

  it('stays quiet on an order number the customer typed, whatever punctuation the agent adds', () => {
    const s = new SessionBuilder()
      .system('You are a retail agent. Authenticate the user before looking up orders.')
      .task('Where is my order W2378156? It should have arrived by now.')
      .tool(
        'get_order_details',
        { order_id: '#W2378156' },
        { ok: false, output: 'Error: order not found' },
      )
      .say('I could not find order #W2378156. Could you check the number?');
    assert.deepEqual(missing(s.events), []);
  });

  it('stays quiet when a path from a listing or the task is missing once, and the agent moves on', () => {
    const s = new SessionBuilder()
      .task('The failing test is tests/test_parser.py::test_iso_week; fix src/dateparse/core.py.')
      .bash('python -m pytest tests/test_parser.py -q', {
        exitCode: 4,
        output: 'ERROR: file or directory not found: tests/test_parser.py',
      })
      .bash('find . -name "test_*.py"', { output: './tests/unit/test_parser.py\n' })
      .bash('cat src/dateparse/legacy/core.py', {
        exitCode: 1,
        error: 'cat: src/dateparse/legacy/core.py: No such file or directory',
      })
      .bash('python -m pytest tests/unit/test_parser.py -q', { output: '5 passed in 0.21s' });
    assert.deepEqual(missing(s.events), []);
  });

  it('stays quiet on a command the task told the agent to run, missing once', () => {
    const s = new SessionBuilder()
      .task('Build the docs with `mkdocs build` and fix any broken links.')
      .bash('mkdocs build', { exitCode: 127, error: 'bash: mkdocs: command not found' })
      .bash('pip install mkdocs', { output: 'Successfully installed mkdocs-1.6.0' });
    assert.deepEqual(missing(s.events), []);
  });

  it('stays quiet on a "not found" to a search with no id in it', () => {
    const s = new SessionBuilder()
      .system(AIRLINE_POLICY)
      .task('Any direct flight from JFK to SEA tomorrow?')
      .tool(
        'search_direct_flight',
        { origin: 'JFK', destination: 'SEA', date: '2024-05-16' },
        {
          ok: false,
          output: 'Error: no flight found',
        },
      );
    assert.deepEqual(missing(s.events), []);
  });
});
