import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { SessionBuilder } from '../testing/session-builder.js';
import { analyse, subtypes } from '../testing/analyse.js';
import { ToolSchemas } from '../tool-schemas.js';

const tools = new ToolSchemas({
  get_reservation: {
    type: 'object',
    properties: { reservation_id: { type: 'string' } },
    required: ['reservation_id'],
    additionalProperties: false,
  },
  search_flights: {
    type: 'object',
    properties: {
      origin: { type: 'string' },
      date: { type: 'string' },
      passengers: { type: 'integer' },
    },
    required: ['origin', 'date'],
  },
});

describe('malformed_arguments', () => {
  it('checks calls against registered schemas: missing field, wrong type, unknown tool', () => {
    const s = new SessionBuilder()
      .call('get_reservation', { id: 'ZFA04Y' })
      .call('search_flights', { origin: 'JFK', date: '2024-05-20', passengers: 'two' })
      .call('cancel_everything', {});
    const findings = analyse(s.events, { tools });
    assert.deepEqual(subtypes(findings), [
      'malformed_arguments',
      'malformed_arguments',
      'malformed_arguments',
    ]);
    assert.match(findings[0].reason, /`reservation_id` is required/);
    assert.match(findings[1].reason, /`passengers` must be integer/);
    assert.match(findings[2].reason, /unknown tool `cancel_everything`/);
  });

  it('without schemas, reads unparseable JSON and the tool’s own complaint', () => {
    const s = new SessionBuilder().call('search_flights', '{"origin": "JFK", "date": ').tool(
      'Edit',
      { path: 'a.py' },
      {
        ok: false,
        error:
          'InputValidationError: Edit failed due to the following issue: The required parameter `old_string` is missing',
      },
    );
    assert.deepEqual(subtypes(analyse(s.events)), ['malformed_arguments', 'malformed_arguments']);
  });

  it('stays quiet on valid calls and on a shell program complaining about its own input', () => {
    const valid = new SessionBuilder().tool(
      'get_reservation',
      { reservation_id: 'ZFA04Y' },
      { output: '{"status": "confirmed"}' },
    );
    assert.deepEqual(analyse(valid.events, { tools }), []);
    const shell = new SessionBuilder().bash('python manage.py migrate --fake-initial=yes', {
      exitCode: 2,
      error: 'error: unrecognized arguments: --fake-initial=yes',
    });
    assert.deepEqual(analyse(shell.events), []);
  });
});

describe('nonexistent_resource from tool replies', () => {
  it('reads "not found" from a non-shell tool and a test runner', () => {
    const s = new SessionBuilder()
      .tool(
        'update_reservation_payment',
        { payment_id: 'gift_card_1' },
        { ok: false, output: 'Error: payment method not found' },
      )
      .bash('python -m pytest tests/test_csv.py -q', {
        exitCode: 4,
        output: 'ERROR: file or directory not found: tests/test_csv.py',
      });
    const findings = analyse(s.events);
    assert.deepEqual(
      findings.map((f) => f.signature),
      ['missing:resource:payment method', 'missing:path:tests/test_csv.py'],
    );
  });
});

describe('repeated_tool_error', () => {
  it('flags the same syntax error made edit after edit', () => {
    const s = new SessionBuilder();
    for (let i = 0; i < 3; i++) {
      s.bash(`python -c "import app; app.run(${i})"`, {
        exitCode: 1,
        error:
          '  File "app.py", line 14\n    def run(n)\n              ^\nSyntaxError: expected \':\'',
      });
    }
    const findings = analyse(s.events);
    assert.deepEqual(subtypes(findings), ['repeated_tool_error']);
  });

  it('flags three timeouts in a row', () => {
    const s = new SessionBuilder()
      .tool(
        'WebFetch',
        { url: 'https://pypi.org/simple/a' },
        { ok: false, error: 'Request timed out after 30s' },
      )
      .tool(
        'WebFetch',
        { url: 'https://pypi.org/simple/b' },
        { ok: false, error: 'connect ETIMEDOUT 151.101.0.223:443' },
      )
      .tool(
        'WebFetch',
        { url: 'https://pypi.org/simple/c' },
        { ok: false, error: 'Request timed out after 30s' },
      );
    assert.deepEqual(subtypes(analyse(s.events)), ['repeated_tool_error']);
  });

  it('stays quiet when different calls fail differently, and on a retry that then succeeds', () => {
    const s = new SessionBuilder()
      .bash('make lint', { exitCode: 2, error: 'src/a.c:3: error: unused variable x' })
      .bash('make build', { exitCode: 2, error: 'ld: cannot find -lssl' })
      .bash('curl -s https://api.example.com/v1/items', {
        ok: false,
        error: 'Request timed out after 30s',
      })
      .bash('curl -s https://api.example.com/v1/items', { output: '[]' });
    assert.deepEqual(analyse(s.events), []);
  });
});
