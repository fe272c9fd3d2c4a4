import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { AnswerCache } from '../../shared/analytics/answer-cache.js';

describe('AnswerCache', () => {
  it('computes once per revision and again when the revision moves', () => {
    const cache = new AnswerCache(4);
    let computed = 0;
    const compute = (): number => ++computed;
    assert.equal(cache.get('history', 1, compute), 1);
    assert.equal(cache.get('history', 1, compute), 1);
    assert.equal(cache.get('history', 2, compute), 2, 'a new revision recomputes');
    assert.equal(computed, 2);
  });

  it('keeps a failed computation out of the cache', () => {
    const cache = new AnswerCache(4);
    assert.throws(
      () =>
        cache.get('bad filter', 1, () => {
          throw new Error('INVALID_FILTER');
        }),
      /INVALID_FILTER/,
    );
    assert.equal(
      cache.get('bad filter', 1, () => 'fine'),
      'fine',
    );
  });

  it('drops the least recently used answer past its bound', () => {
    const cache = new AnswerCache(2);
    cache.get('a', 1, () => 'a1');
    cache.get('b', 1, () => 'b1');
    cache.get('a', 1, () => 'a2'); // a is now the most recent
    cache.get('c', 1, () => 'c1'); // evicts b
    assert.equal(
      cache.get('a', 1, () => 'a3'),
      'a1',
    );
    assert.equal(
      cache.get('b', 1, () => 'b2'),
      'b2',
    );
  });
});
