/**
 * The bad-input corpus: every file in test/fixtures/bad/ is hostile or broken, and manifest.json says
 * which error it must produce. Each must be refused with an InvalidInputError of the right code, a
 * message naming the problem and a location — never a crash, a TypeError or a hang.
 */
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { describe, it } from 'node:test';
import { InvalidInputError } from '../../shared/errors/index.js';
import { checkTarget } from '../../shared/ml/dataset/data-checks.js';
import { readTable } from '../../shared/ml/dataset/read-table.js';
import { expandTrials } from '../../shared/search/expand-trials.js';
import { loadAnySweepFile, loadSweepFile } from '../../shared/sweep/load-sweep-file.js';
import { parseResolvedSweepSpec } from '../../shared/sweep/parse-sweep-file.js';

const BAD = resolve(process.cwd(), 'test/fixtures/bad');
const GOOD = resolve(process.cwd(), 'test/fixtures/good');
/** The trial limit the corpus assumes (SWEEPQ_MAX_TRIALS's default). */
const MAX_TRIALS = 10_000;

interface BadEntry {
  file: string;
  /**
   * sweep: loadSweepFile + expandTrials; csv: readTable + checkTarget; resolved-spec: JSON →
   * parseResolvedSweepSpec; asset: only referenced by others; host-header: a Host header value, walked
   * against a real scheduler by test/faults/bad-input-corpus.test.ts.
   */
  kind: 'sweep' | 'csv' | 'resolved-spec' | 'asset' | 'host-header';
  code?: 'INVALID_SPEC' | 'INVALID_CSV' | 'LIMIT_EXCEEDED' | 'INVALID_HOST';
  mentions?: string[];
  /** csv: columns read as declared numeric (a non-number is an error in them, a category elsewhere). */
  numeric?: string[];
}

interface GoodEntry {
  file: string;
  kind?: 'asset';
  trials?: number;
}

const manifest = JSON.parse(readFileSync(join(BAD, 'manifest.json'), 'utf8')) as BadEntry[];
const goodManifest = JSON.parse(readFileSync(join(GOOD, 'manifest.json'), 'utf8')) as GoodEntry[];

/** What the CLI does with a sweep file before submitting it. */
async function validateSweepFile(path: string): Promise<void> {
  const { spec } = await loadAnySweepFile(path);
  expandTrials(spec, { maxTrials: MAX_TRIALS });
}

async function run(entry: BadEntry): Promise<void> {
  const path = join(BAD, entry.file);
  switch (entry.kind) {
    case 'sweep':
      return validateSweepFile(path);
    case 'csv': {
      const table = await readTable(path, { target: 'target', columns: { numeric: entry.numeric ?? [] } });
      checkTarget(table, { task: table.target.task, maxClasses: 100, source: path });
      return;
    }
    case 'resolved-spec':
      parseResolvedSweepSpec(JSON.parse(readFileSync(path, 'utf8')) as unknown, { source: entry.file });
      return;
    case 'asset':
    case 'host-header':
      return;
  }
}

describe('bad-input corpus (test/fixtures/bad)', () => {
  it('has a manifest entry for every file and a file for every entry', () => {
    const files = readdirSync(BAD)
      .filter((f) => f !== 'manifest.json')
      .sort();
    const listed = manifest.map((e) => e.file).sort();
    assert.deepEqual(files, listed);
    assert.equal(new Set(listed).size, listed.length, 'duplicate manifest entries');
  });

  it('holds at least 70 cases with expectations', () => {
    assert.ok(manifest.filter((e) => e.kind !== 'asset').length >= 70);
  });

  for (const entry of manifest) {
    if (entry.kind === 'asset' || entry.kind === 'host-header') continue;
    it(`rejects ${entry.file} with ${entry.code}`, async () => {
      let caught: unknown;
      try {
        await run(entry);
      } catch (error) {
        caught = error;
      }
      assert.ok(caught !== undefined, `${entry.file} was accepted`);
      assert.ok(
        caught instanceof InvalidInputError,
        `${entry.file}: expected InvalidInputError, got ${caught instanceof Error ? caught.message : JSON.stringify(caught)}`,
      );
      assert.equal(caught.code, entry.code, `${entry.file}: ${caught.message}`);
      for (const mention of entry.mentions ?? []) {
        assert.ok(caught.message.includes(mention), `${entry.file}: message lacks ${JSON.stringify(mention)}:\n${caught.message}`);
      }
      const location = caught.location;
      assert.ok(location !== undefined && (location.file !== undefined || location.path !== undefined), `${entry.file}: no location`);
      // Sweep-file problems point at a line; CSV content problems at the CSV (a line where there is one).
      if (entry.kind === 'sweep' && caught.code === 'INVALID_SPEC') {
        assert.equal(typeof location.line, 'number', `${entry.file}: no line in ${JSON.stringify(location)}`);
      }
      // Messages are for people: no stack frames or zod internals.
      assert.doesNotMatch(caught.message, /\n\s+at .+\(.+:\d+:\d+\)|ZodError|"code":/);
    });
  }
});

describe('good-input corpus (test/fixtures/good)', () => {
  it('has a manifest entry for every file', () => {
    const files = readdirSync(GOOD)
      .filter((f) => f !== 'manifest.json')
      .sort();
    assert.deepEqual(files, goodManifest.map((e) => e.file).sort());
  });

  for (const entry of goodManifest) {
    if (entry.kind === 'asset') continue;
    it(`loads ${entry.file}`, async () => {
      const { spec, files } = await loadSweepFile(join(GOOD, entry.file));
      const plans = expandTrials(spec, { maxTrials: MAX_TRIALS });
      assert.equal(plans.length, entry.trials);
      for (const file of files) assert.match(file.sha256, /^[0-9a-f]{64}$/);
    });
  }

  it('reads a CSV with a BOM and CRLF line endings like a plain one', async () => {
    const table = await readTable(join(GOOD, 'bom-crlf.csv'), { target: 'target' });
    assert.deepEqual(
      table.columns.map((c) => c.name),
      ['a', 'b'],
    );
    assert.equal(table.nRows, 6);
    const b = table.columns[1]!;
    assert.equal(b.type, 'numeric');
    assert.ok(b.type === 'numeric' && Number.isNaN(b.values[2]!));
  });
});
