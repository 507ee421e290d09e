import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { jsonbArrayParam } from './prepared-query.js';

describe('jsonbArrayParam', () => {
  it("puts the JSON texts, byte for byte, into one array after jsonb's binary version byte", () => {
    const texts = ['{"a":1}', '{"b":"é\\"x"}', '[]'].map((t) => Buffer.from(t));
    const param = jsonbArrayParam(texts);
    assert.equal(param[0], 1);
    const json = param.subarray(1).toString('utf8');
    assert.equal(json, '[{"a":1},{"b":"é\\"x"},[]]');
    assert.deepEqual(JSON.parse(json), [{ a: 1 }, { b: 'é"x' }, []]);
  });

  it('gives an empty array for no texts', () => {
    assert.equal(jsonbArrayParam([]).subarray(1).toString('utf8'), '[]');
  });
});
