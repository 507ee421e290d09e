import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { TOPICS } from '@wink/contracts';
import { kafkaNamingFrom, logicalTopic, physicalGroup, physicalTopic } from './naming.js';

describe('kafka naming', () => {
  it('keeps the production names when no prefix is set', () => {
    const naming = kafkaNamingFrom({});
    assert.equal(physicalTopic(TOPICS.events, naming), TOPICS.events);
    assert.equal(physicalGroup('wink-recorder', naming), 'wink-recorder');
  });

  it('maps logical names onto the run prefix and back', () => {
    const naming = kafkaNamingFrom({ WINK_TOPIC_PREFIX: 'run-1.', WINK_GROUP_PREFIX: 'run-1.' });
    assert.equal(physicalTopic(TOPICS.verdicts, naming), `run-1.${TOPICS.verdicts}`);
    assert.equal(physicalGroup('wink-classifier', naming), 'run-1.wink-classifier');
    assert.equal(logicalTopic(`run-1.${TOPICS.verdicts}`, naming), TOPICS.verdicts);
  });

  it("refuses a topic from another run's prefix and a prefix Kafka cannot name", () => {
    const naming = kafkaNamingFrom({ WINK_TOPIC_PREFIX: 'run-1.' });
    assert.throws(() => logicalTopic(`run-2.${TOPICS.events}`, naming), /not a Wink topic/);
    assert.throws(() => logicalTopic(TOPICS.events, naming), /not a Wink topic/);
    assert.throws(() => kafkaNamingFrom({ WINK_TOPIC_PREFIX: 'a/b' }), /WINK_TOPIC_PREFIX/);
  });
});
