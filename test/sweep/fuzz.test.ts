/**
 * Fuzzing the sweep validator: ~2,000 seeded mutations of the example sweeps (structural edits of the
 * parsed document, and raw text damage). The validator must never throw anything but
 * InvalidInputError, and every mutant it accepts must satisfy, checked independently here, the
 * invariants the rest of sweepq relies on.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { describe, it } from 'node:test';
import { parse as parseYaml, stringify as stringifyYaml } from 'yaml';
import { InvalidInputError } from '../../shared/errors/index.js';
import { Rng } from '../../shared/ml/random/rng.js';
import { modelParamSchemaFor } from '../../shared/schemas/model-params.schema.js';
import type { SweepSpec } from '../../shared/schemas/sweep-spec.schema.js';
import { countTrials, expandTrials, type TrialPlan } from '../../shared/search/expand-trials.js';
import { parseSweepText } from '../../shared/sweep/parse-sweep-file.js';

const MAX_TRIALS = 10_000;
const MUTANTS_PER_EXAMPLE = 500;
const EXAMPLES = ['loan-default.yaml', 'loan-default-sklearn.yaml', 'rf-grid.yaml', 'random-search.yaml'];

const NASTY_VALUES: readonly unknown[] = [
  null,
  true,
  false,
  'str',
  '',
  42,
  -1,
  0,
  0.5,
  1.5,
  Number.NaN,
  Number.POSITIVE_INFINITY,
  Number.NEGATIVE_INFINITY,
  1e308,
  -1e308,
  2 ** 53,
  'x'.repeat(5000),
  [],
  {},
  [1, 2],
  { a: 1 },
  { values: [] },
  { values: [1, 'a', null] },
  { distribution: 'uniform', min: 0, max: 1 },
  { distribution: 'int_uniform', min: -5, max: 1e9 },
  { sha256: '../../etc/passwd' },
  'logistic_regression',
  'random_forest',
  'grid',
  'random',
  '../../etc/passwd',
  '\u0000\u202e',
  'sqrt',
  4294967296,
];
const NASTY_KEYS: readonly string[] = [
  'foo',
  '__proto__',
  'constructor',
  'prototype',
  'n_estimators',
  'max_depth',
  'C',
  'values',
  'distribution',
  'min',
  'max',
  'q',
  'seed',
  'split',
  'csv',
  'train',
  'test',
  'missing',
  'make_classification',
  'search',
  'trials',
  'max_trials',
  'name',
  'method',
  'space',
  'params',
  'model',
  'target',
  'folds',
  '',
];
const TEXT_CHARS = [
  '\t',
  '"',
  "'",
  '[',
  ']',
  '{',
  '}',
  ':',
  '-',
  '#',
  '&',
  '*',
  '!',
  '|',
  '>',
  '%',
  '@',
  '`',
  ',',
  '?',
  '0',
  '9',
  '.',
  ' ',
  '\n',
  '\u0000',
  'é',
  '\ud800',
];

function pick<T>(rng: Rng, items: readonly T[]): T {
  return items[rng.nextInt(items.length)]!;
}

type Container = Record<string, unknown> | unknown[];

/** Every container in the tree with its key list (for picking an edit site). */
function containers(value: unknown, out: Container[] = []): Container[] {
  if (value !== null && typeof value === 'object') {
    out.push(value as Container);
    for (const child of Object.values(value)) containers(child, out);
  }
  return out;
}

function setOwn(target: Container, key: string | number, value: unknown): void {
  // defineProperty so a "__proto__" key becomes an own property, as a YAML/JSON parser produces it.
  Object.defineProperty(target, key, { value, enumerable: true, writable: true, configurable: true });
}

function mutateValue(doc: unknown, rng: Rng): unknown {
  const sites = containers(doc);
  if (sites.length === 0) return pick(rng, NASTY_VALUES);
  const site = pick(rng, sites);
  const keys = Object.keys(site);
  const op = rng.nextInt(5);
  if (op === 0 && keys.length > 0) {
    const key = pick(rng, keys);
    if (Array.isArray(site)) site.splice(Number(key), 1);
    else delete site[key];
  } else if (op === 1 && keys.length > 0) {
    setOwn(site, pick(rng, keys), structuredClone(pick(rng, NASTY_VALUES)));
  } else if (op === 2 && !Array.isArray(site)) {
    const key = rng.next() < 0.2 ? `k${rng.nextUint32()}` : pick(rng, NASTY_KEYS);
    setOwn(site, key, structuredClone(pick(rng, NASTY_VALUES)));
  } else if (op === 3 && keys.length > 0) {
    // Number edits: the values that break numeric code.
    const key = pick(rng, keys);
    setOwn(site, key, pick(rng, [-1, 0, Number.NaN, 1e308, 1e12, 0.1, 2.5, -0, Number.MAX_SAFE_INTEGER + 2]));
  } else if (Array.isArray(site) && site.length > 0) {
    site.push(structuredClone(site[0]));
  } else if (keys.length > 0) {
    // Swap two values: right shapes in the wrong places.
    const a = pick(rng, keys);
    const b = pick(rng, keys);
    const tmp = (site as Record<string, unknown>)[a];
    setOwn(site, a, (site as Record<string, unknown>)[b]);
    setOwn(site, b, tmp);
  }
  return doc;
}

function mutateText(text: string, rng: Rng): string {
  const lines = text.split('\n');
  switch (rng.nextInt(5)) {
    case 0: {
      // Duplicate a line: duplicate keys.
      const i = rng.nextInt(lines.length);
      lines.splice(i, 0, lines[i]!);
      return lines.join('\n');
    }
    case 1:
      return text.slice(0, rng.nextInt(text.length + 1));
    case 2: {
      const i = rng.nextInt(text.length);
      return text.slice(0, i) + pick(rng, TEXT_CHARS) + text.slice(i + 1);
    }
    case 3: {
      const i = rng.nextInt(text.length);
      return text.slice(0, i) + pick(rng, TEXT_CHARS) + pick(rng, TEXT_CHARS) + text.slice(i);
    }
    default: {
      const i = rng.nextInt(lines.length);
      lines.splice(i, 0, `${' '.repeat(rng.nextInt(6))}${pick(rng, NASTY_KEYS)}: ${JSON.stringify(pick(rng, NASTY_VALUES)) ?? 'null'}`);
      return lines.join('\n');
    }
  }
}

function allNumbersFinite(value: unknown): boolean {
  if (typeof value === 'number') return Number.isFinite(value);
  if (value !== null && typeof value === 'object') return Object.values(value).every(allNumbersFinite);
  return true;
}

/** The invariants the queue, workers and index rely on, checked without the validator's code. */
function checkAccepted(spec: SweepSpec, plans: readonly TrialPlan[], label: string): void {
  assert.match(spec.name, /^[A-Za-z0-9_][A-Za-z0-9_.-]{0,99}$/, label);
  assert.ok(allNumbersFinite(spec), `${label}: non-finite number accepted`);
  const d = spec.dataset;
  const sources = (d.csv !== undefined ? 1 : 0) + (d.train !== undefined && d.test !== undefined ? 1 : 0) + (d.make_classification !== undefined ? 1 : 0);
  assert.equal(sources, 1, `${label}: dataset sources`);
  assert.equal((d.train === undefined) === (d.test === undefined), true, `${label}: train/test pairing`);
  assert.equal(spec.split === undefined, d.train !== undefined, `${label}: split iff no train/test`);
  assert.ok(spec.cv.folds === 0 || (spec.cv.folds >= 2 && spec.cv.folds <= 20), `${label}: folds`);
  if (spec.objective?.metric.startsWith('cv_') === true) assert.ok(spec.cv.folds >= 2, `${label}: cv objective without cv`);
  assert.ok(plans.length > 0 && plans.length <= MAX_TRIALS, `${label}: trial count ${plans.length}`);
  assert.equal(plans.length, countTrials(spec), `${label}: count`);
  const names = new Set<string>();
  for (const plan of plans) {
    const parsed = (modelParamSchemaFor('classification', plan.model) ?? modelParamSchemaFor('regression', plan.model))!.safeParse(plan.params);
    assert.ok(parsed.success, `${label}: accepted invalid params ${JSON.stringify(plan.params)} for ${plan.model}`);
    assert.ok(plan.name.length > 0 && !/\p{Cc}/u.test(plan.name), `${label}: bad name ${JSON.stringify(plan.name)}`);
    assert.ok(!names.has(plan.name), `${label}: duplicate name ${plan.name}`);
    names.add(plan.name);
    assert.ok(Number.isInteger(plan.seed) && plan.seed >= 0 && plan.seed <= 0xffffffff, `${label}: seed`);
  }
  // The accepted spec is stored as JSON and re-validated: it must parse to itself.
  assert.deepEqual(parseSweepText(JSON.stringify(spec), { source: 'reparse.json' }), spec, `${label}: not idempotent`);
}

describe('sweep validator fuzzing', () => {
  for (const example of EXAMPLES) {
    it(`rejects cleanly or accepts only valid mutants of ${example}`, () => {
      const original = readFileSync(resolve(process.cwd(), 'sweeps', example), 'utf8');
      const rng = new Rng(0x5eed + example.length);
      let accepted = 0;
      for (let m = 0; m < MUTANTS_PER_EXAMPLE; m++) {
        let text: string;
        let format: 'yaml' | 'json';
        const kind = rng.nextInt(3);
        if (kind === 0) {
          text = mutateText(original, rng);
          format = 'yaml';
        } else {
          let doc = parseYaml(original) as unknown;
          const edits = 1 + rng.nextInt(3);
          for (let e = 0; e < edits; e++) doc = mutateValue(doc, rng);
          format = kind === 1 ? 'yaml' : 'json';
          text = format === 'yaml' ? stringifyYaml(doc) : (JSON.stringify(doc) ?? 'null');
        }
        const label = `${example} mutant ${m} (${format})`;
        let spec: SweepSpec;
        let plans: TrialPlan[];
        try {
          spec = parseSweepText(text, { source: `mutant.${format}`, format });
          plans = expandTrials(spec, { maxTrials: MAX_TRIALS });
        } catch (error) {
          if (!(error instanceof InvalidInputError)) {
            assert.fail(`${label}: threw ${error instanceof Error ? `${error.name}: ${error.message}` : String(error)}\n--- input ---\n${text.slice(0, 2000)}`);
          }
          assert.ok(error.message.length > 0 && !/\n\s+at .+:\d+:\d+\)/.test(error.message), `${label}: message`);
          continue;
        }
        accepted++;
        checkAccepted(spec, plans, label);
      }
      // Sanity: the fuzzer must also produce valid inputs, or it only exercises the error paths.
      assert.ok(accepted > 0, 'no mutant was accepted');
    });
  }
});
