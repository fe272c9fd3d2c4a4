/**
 * Artefacts saved before the learner rework (test/fixtures/models/pipelines-v1.json, written by commit
 * 6b9e72f, artefact format 1) still load and predict exactly what they predicted then; saved again they
 * are format 2, which round-trips to the same bytes.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, it } from 'node:test';
import { readCsvFile } from '../../../shared/ml/dataset/read-csv.js';
import { Pipeline } from '../../../shared/ml/pipeline.js';

interface Saved {
  artefacts: Array<{ model: string; pipeline: unknown; proba: number[] }>;
}

const fixture = (name: string): string => path.resolve(process.cwd(), 'test/fixtures', name);
const saved = JSON.parse(readFileSync(fixture('models/pipelines-v1.json'), 'utf8')) as Saved;
const test = await readCsvFile(fixture('loan_default.test.csv'), { target: 'target' });

describe('saved model artefacts of format version 1', () => {
  for (const artefact of saved.artefacts) {
    it(`loads a ${artefact.model} pipeline, round-trips its bytes and predicts identically`, () => {
      const pipeline = Pipeline.fromJSON(artefact.pipeline);
      assert.deepEqual(Array.from(pipeline.predictProba(test)), artefact.proba);
      const upgraded = pipeline.toJSON();
      assert.equal(upgraded.version, 2);
      const reloaded = Pipeline.fromJSON(JSON.parse(JSON.stringify(upgraded)));
      assert.equal(JSON.stringify(reloaded.toJSON()), JSON.stringify(upgraded));
      assert.deepEqual(Array.from(reloaded.predictProba(test)), artefact.proba);
    });
  }
});
