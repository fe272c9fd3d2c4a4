/**
 * The API's read cache: bounded in bytes (least recently used out first), shared misses, errors not
 * cached, invalidation by key part.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ResponseCache } from '../../../services/scheduler/response-cache.js';

/** A JSON body of about `bytes` bytes. */
const body = (bytes: number, tag: string) => ({ tag, pad: 'x'.repeat(Math.max(0, bytes - 20)) });

describe('ResponseCache', () => {
  it('never holds more than maxBytes, whatever the number of distinct keys', async () => {
    const cache = new ResponseCache({ ttlMs: 60_000, maxBytes: 10_000 });
    for (let i = 0; i < 500; i++) {
      await cache.json(`GET s trials {"filter":"metrics.x > ${i}"}`, async () => body(1000, String(i)));
      assert.ok(cache.bytes <= 10_000, `${cache.bytes} bytes after ${i + 1} keys`);
    }
    assert.ok(cache.size >= 8 && cache.size <= 10, `${cache.size} entries of ~1 KB in 10 KB`);
  });

  it('evicts the least recently used entry first', async () => {
    const cache = new ResponseCache({ ttlMs: 60_000, maxBytes: 3500 });
    let computed = 0;
    const get = (key: string) =>
      cache.json(key, async () => {
        computed++;
        return body(1000, key);
      });
    await get('a');
    await get('b');
    await get('c');
    await get('a'); // a is now the most recent
    await get('d'); // evicts b
    computed = 0;
    await get('a');
    await get('c');
    await get('d');
    assert.equal(computed, 0, 'a, c and d are cached');
    await get('b');
    assert.equal(computed, 1, 'b was evicted');
  });

  it('does not cache an answer larger than the bound', async () => {
    const cache = new ResponseCache({ ttlMs: 60_000, maxBytes: 1000 });
    let computed = 0;
    for (let i = 0; i < 3; i++) {
      await cache.json('big', async () => {
        computed++;
        return body(5000, 'big');
      });
    }
    assert.equal(computed, 3);
    assert.equal(cache.bytes, 0);
  });

  it('shares one computation between concurrent misses and does not cache errors', async () => {
    const cache = new ResponseCache({ ttlMs: 60_000, maxBytes: 1_000_000 });
    let computed = 0;
    const slow = () =>
      cache.json('k', async () => {
        computed++;
        await new Promise((resolve) => setTimeout(resolve, 20));
        return { n: 1 };
      });
    await Promise.all([slow(), slow(), slow()]);
    assert.equal(computed, 1);
    await assert.rejects(cache.json('e', async () => Promise.reject(new Error('boom'))));
    assert.equal(await cache.json('e', async () => ({ ok: true })), '{"ok":true}');
  });

  it('gives back the bytes of invalidated and expired entries', async () => {
    const cache = new ResponseCache({ ttlMs: 30, maxBytes: 100_000 });
    await cache.json('GET s-1 trials', async () => body(1000, '1'));
    await cache.json('GET s-2 trials', async () => body(1000, '2'));
    const full = cache.bytes;
    cache.invalidate('s-1');
    assert.ok(cache.bytes < full && cache.bytes > 0);
    await new Promise((resolve) => setTimeout(resolve, 40));
    let computed = 0;
    await cache.json('GET s-2 trials', async () => {
      computed++;
      return body(1000, '2');
    });
    assert.equal(computed, 1, 'expired');
    assert.ok(cache.bytes <= full);
  });

  it('is off with a TTL of 0', async () => {
    const cache = new ResponseCache({ ttlMs: 0, maxBytes: 1_000_000 });
    let computed = 0;
    for (let i = 0; i < 3; i++) await cache.json('k', async () => ({ n: ++computed }));
    assert.equal(computed, 3);
    assert.equal(cache.size, 0);
  });
});
