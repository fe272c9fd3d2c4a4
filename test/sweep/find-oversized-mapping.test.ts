/**
 * The linear key-count pre-scan of sweep text (shared/sweep/find-oversized-mapping.ts) and the exact
 * checks after composing: mappings of more than MAX_KEYS_PER_MAPPING keys and duplicate keys are
 * refused in time linear in the text — the yaml library's own duplicate check is quadratic (a 1 MiB
 * body of 100,000 keys took about a minute).
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parseDocument, stringify, visit } from 'yaml';
import { InvalidInputError } from '../../shared/errors/index.js';
import { findOversizedMapping } from '../../shared/sweep/find-oversized-mapping.js';
import { MAX_KEYS_PER_MAPPING, readSweepDocument } from '../../shared/sweep/parse-sweep-file.js';
import { cpuMillis } from '../support/cpu-time.js';

/** Largest mapping of a YAML text, as the yaml library composes it. */
function largestMapping(text: string): number {
  let max = 0;
  visit(parseDocument(text, { uniqueKeys: false }), {
    Map(_, map) {
      max = Math.max(max, map.items.length);
    },
  });
  return max;
}

/** A small deterministic generator of YAML-ish values with awkward strings. */
function generator(seed: number): () => unknown {
  let state = seed;
  const random = (): number => (state = (state * 1103515245 + 12345) % 2147483648) / 2147483648;
  const strings = ['a: b', "it's", 'x, y', '{z}', '[q]', '"quoted"', 'multi\nline: text\nmore: x', '# hash', '- dash', 'k: v\n  nested: y', '|', '>-', ''];
  const value = (depth: number): unknown => {
    const r = random();
    if (depth > 4 || r < 0.3) return random() < 0.6 ? strings[Math.floor(random() * strings.length)] : Math.floor(random() * 100);
    if (r < 0.55) return Array.from({ length: Math.floor(random() * 6) }, () => value(depth + 1));
    const out: Record<string, unknown> = {};
    const n = Math.floor(random() * 9);
    for (let i = 0; i < n; i++) out[`${random() < 0.2 ? strings[Math.floor(random() * strings.length)] : 'k'}${i}`] = value(depth + 1);
    return out;
  };
  return () => value(0);
}

describe('findOversizedMapping', () => {
  it('never refuses a document whose largest mapping is within the limit (block, flow, quoted, JSON)', () => {
    const next = generator(7);
    for (let i = 0; i < 300; i++) {
      const value = next();
      const texts = [
        stringify(value),
        stringify(value, { collectionStyle: 'flow' }),
        stringify(value, { defaultStringType: 'QUOTE_DOUBLE' }),
        JSON.stringify(value, null, 2),
        JSON.stringify(value),
      ];
      for (const text of texts) {
        const max = largestMapping(text);
        assert.equal(findOversizedMapping(text, max), undefined, `false alarm at limit ${max}:\n${text}`);
        if (max > 0 && text.startsWith('{')) assert.ok(findOversizedMapping(text, max - 1), `JSON over the limit missed:\n${text}`);
      }
    }
  });

  it('finds the over-full mapping of block YAML, flow YAML and JSON with its position', () => {
    const block = `name: x\nparams:\n${Array.from({ length: 6 }, (_, i) => `  k${i}: 1`).join('\n')}\n`;
    assert.deepEqual(findOversizedMapping(block, 5), { line: 8, column: 3, keys: 6 });
    const nested = `trials:\n  - model: a\n    params: {a: 1, b: 2, c: 3}\n  - model: b\n    x: 1\n    y: 2\n`;
    assert.equal(findOversizedMapping(nested, 3), undefined, 'sequence items are separate mappings');
    assert.deepEqual(findOversizedMapping(nested, 2), { line: 3, column: 30, keys: 3 });
    assert.ok(findOversizedMapping('{"a":1,"b":{"c":1,"d":2,"e":3}}', 2));
    assert.equal(findOversizedMapping('{"a":"x,y,z","b":"{,,,}"}', 2), undefined, 'commas in strings do not count');
  });

  it('skips block scalars and comments', () => {
    const text = `description: |\n  a: 1\n  b: 2\n  c: 3\n# d: 4\n# e: 5\nname: x\n`;
    assert.equal(findOversizedMapping(text, 2), undefined);
  });

  it('refuses 100,000 keys in well under a second (linear)', () => {
    const keys = Array.from({ length: 100_000 }, (_, i) => i.toString(36));
    const texts = [
      `name: x\n${keys.map((k) => `k${k}: 0`).join('\n')}\n`,
      `name: x\nparams: {${keys.map((k) => `k${k}: 0`).join(', ')}}\n`,
      `{"name":"x","p":{${keys.map(() => '"a":0').join(',')}}}`,
    ];
    for (const text of texts) {
      const ms = cpuMillis(() => assert.ok(findOversizedMapping(text, MAX_KEYS_PER_MAPPING)));
      assert.ok(ms < 500, `${ms} ms of CPU`);
    }
  });
});

describe('readSweepDocument key checks', () => {
  const refuse = (text: string, format: 'yaml' | 'json', pattern: RegExp): void => {
    assert.throws(
      () => readSweepDocument(text, { source: 'body', format }),
      (error: unknown) =>
        error instanceof InvalidInputError && error.code === 'INVALID_SPEC' && pattern.test(error.message) && typeof error.location?.line === 'number',
    );
  };

  it('refuses 100,000 keys (YAML, flow, JSON, duplicates) in well under a second', () => {
    const keys = Array.from({ length: 100_000 }, (_, i) => i.toString(36));
    const cases: [string, 'yaml' | 'json'][] = [
      [`name: x\n${keys.map((k) => `k${k}: 0`).join('\n')}\n`, 'yaml'],
      [`{"name":"x","p":{${keys.map((k) => `"k${k}":0`).join(',')}}}`, 'json'],
      [`{"name":"x","p":{${keys.map(() => '"a":0').join(',')}}}`, 'json'],
    ];
    for (const [text, format] of cases) {
      const ms = cpuMillis(() => refuse(text, format, /more than 1000 keys/));
      assert.ok(ms < 1000, `${format}: ${ms} ms of CPU`);
    }
  });

  it('finds duplicates in linear time: 120 mappings of 1,000 keys with one duplicate each', () => {
    const maps = Array.from({ length: 60 }, () => `  - {${Array.from({ length: MAX_KEYS_PER_MAPPING }, (_, i) => `k${i % 999}: 0`).join(', ')}}`);
    const text = `name: x\nd:\n${maps.join('\n')}\n`;
    const ms = cpuMillis(() => refuse(text, 'yaml', /duplicate key "k0"/));
    // The yaml library's uniqueKeys check needs seconds for this; the linear check a fraction.
    assert.ok(ms < 5000, `${ms} ms of CPU`);
  });

  it('compares keys as the yaml library does: a and "a" are the same key, 1 and "1" are not', () => {
    refuse('name: x\na: 1\n"a": 2\n', 'yaml', /duplicate key "a".*remove or rename/);
    assert.doesNotThrow(() => readSweepDocument('name: x\n1: a\n"1": b\n', { source: 'body', format: 'yaml' }));
  });

  it('accepts a mapping of exactly MAX_KEYS_PER_MAPPING keys and refuses one more', () => {
    const keys = (n: number) => Array.from({ length: n }, (_, i) => `  k${i}: 0`).join('\n');
    assert.doesNotThrow(() => readSweepDocument(`name: x\np:\n${keys(MAX_KEYS_PER_MAPPING)}\n`, { source: 'body', format: 'yaml' }));
    refuse(`name: x\np:\n${keys(MAX_KEYS_PER_MAPPING + 1)}\n`, 'yaml', /more than 1000 keys/);
  });
});
