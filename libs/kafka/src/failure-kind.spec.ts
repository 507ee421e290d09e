import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import kafkajs from 'kafkajs';
import { describeFailure, isMessageFailure } from './failure-kind.js';

const { KafkaJSNonRetriableError, KafkaJSProtocolError } = kafkajs;

const withCode = (code: string, message = 'x') => Object.assign(new Error(message), { code });
const brokerRefusal = (type: string, retriable: boolean) =>
  new KafkaJSProtocolError(
    Object.assign(new Error(`the broker says ${type}`), { type, code: 0, retriable }),
  );
/** As kafkajs' retrier gives up on a refusal it will not retry: the refusal is its cause. */
const givenUpOn = (error: Error) =>
  Object.assign(new KafkaJSNonRetriableError(error), { cause: error });

describe('isMessageFailure', () => {
  it('blames the message for Postgres data, integrity and limit errors, contract violations and code errors', () => {
    assert.ok(
      isMessageFailure(withCode('22003', 'value "2147483648" is out of range for type integer')),
    );
    assert.ok(isMessageFailure(withCode('22P05', 'unsupported Unicode escape sequence')));
    assert.ok(isMessageFailure(withCode('23503', 'violates foreign key constraint')));
    assert.ok(isMessageFailure(withCode('54000', 'index row size exceeds maximum')));
    assert.ok(
      isMessageFailure(
        Object.assign(new Error('query failed'), {
          driverError: withCode('22021'),
          code: undefined,
        }),
      ),
    );
    assert.ok(
      isMessageFailure(Object.assign(new Error('too long'), { name: 'ContractViolation' })),
    );
    assert.ok(
      isMessageFailure(new TypeError("Cannot read properties of undefined (reading 'name')")),
    );
  });

  it('blames the message for the broker refusing its records, as thrown or given up on', () => {
    assert.ok(isMessageFailure(brokerRefusal('MESSAGE_TOO_LARGE', false)));
    assert.ok(isMessageFailure(givenUpOn(brokerRefusal('MESSAGE_TOO_LARGE', false))));
    assert.ok(isMessageFailure(givenUpOn(brokerRefusal('INVALID_RECORD', false))));
    assert.ok(!isMessageFailure(givenUpOn(brokerRefusal('NOT_LEADER_FOR_PARTITION', true))));
    assert.ok(!isMessageFailure(givenUpOn(brokerRefusal('TOPIC_AUTHORIZATION_FAILED', false))));
  });

  it('blames the world for connection, shutdown, serialization, schema and unknown errors', () => {
    assert.ok(!isMessageFailure(withCode('ECONNREFUSED', 'connect ECONNREFUSED')));
    assert.ok(
      !isMessageFailure(withCode('57P01', 'terminating connection due to administrator command')),
    );
    assert.ok(!isMessageFailure(withCode('08006')));
    assert.ok(!isMessageFailure(withCode('40P01', 'deadlock detected')));
    assert.ok(!isMessageFailure(withCode('42P01', 'relation "events" does not exist')));
    assert.ok(!isMessageFailure(new Error('Connection terminated unexpectedly')));
    assert.ok(
      !isMessageFailure(
        Object.assign(new Error('broker down'), { name: 'KafkaJSConnectionError' }),
      ),
    );
    assert.ok(
      !isMessageFailure(Object.assign(new TypeError('fetch failed'), { code: 'ECONNRESET' })),
    );
    assert.ok(!isMessageFailure('a string'));
  });
});

describe('describeFailure', () => {
  it('is one bounded line with the SQLSTATE and no control characters', () => {
    const text = describeFailure(withCode('22P05', 'bad\u0000escape\nhere'), 40);
    assert.equal(text, 'Error: bad escape here [22P05]');
    assert.equal(describeFailure(new Error('y'.repeat(5000))).length, 2000);
  });
});
