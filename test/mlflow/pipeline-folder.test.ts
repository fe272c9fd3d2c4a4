/**
 * A trial's `pipeline/` folder (shared/mlflow/pipeline-folder.ts): an MLflow Model with the ONNX file for
 * a pipeline the exporter handles, an MLmodel that says why for one it cannot, made from the attempt's
 * JSON on first read (in a thread) and stored beside it.
 */
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { describe, it } from 'node:test';
import { parse } from 'yaml';
import { materialisePipelineFolder, pipelineFolderFiles } from '../../shared/mlflow/pipeline-folder.js';
import { parseTable } from '../../shared/ml/dataset/read-table.js';
import type { TabularDataset } from '../../shared/ml/dataset/table.js';
import { Pipeline } from '../../shared/ml/pipeline.js';
import { artifactKey, pipelineFolderKey } from '../../shared/schemas/sweep-context.schema.js';
import { LocalObjectStore } from '../../shared/store/local-object-store.js';

/** 60 rows, two numeric columns; `first` names the first one (an output name blocks the export). */
function table(first: string): TabularDataset {
  let text = `${first},b,y\n`;
  for (let i = 0; i < 60; i++) text += `${i % 7},${(i * 3) % 11},${i % 3 === 0 ? 'yes' : 'no'}\n`;
  return parseTable(text, { target: 'y' });
}

const decode = (files: Record<string, Uint8Array>, name: string): Buffer => Buffer.from(files[name]!);

describe('pipeline folder', () => {
  it('holds an MLflow Model with the ONNX graph, made on first read and stored beside the attempt JSON', async () => {
    const pipeline = Pipeline.create({ imputer: { strategy: 'median' }, scaler: 'standard' }, 'logistic_regression', {}, 0).fit(table('a'));
    const files = pipelineFolderFiles(pipeline.toJSON());
    assert.deepEqual(Object.keys(files).sort(), ['MLmodel', 'conda.yaml', 'model.onnx', 'requirements.txt']);
    const mlmodel = parse(decode(files, 'MLmodel').toString('utf8')) as { flavors: Record<string, { loader_module?: string }> };
    assert.equal(mlmodel.flavors.python_function?.loader_module, 'mlflow.onnx');

    const dir = await mkdtemp(path.join(os.tmpdir(), 'sweepq-folder-'));
    try {
      const store = new LocalObjectStore(dir);
      await store.ensureReady();
      const key = artifactKey('s-abc', 's-abc-t0', '0123456789abcdef0123');
      await store.put(key, JSON.stringify(pipeline.toJSON()));
      assert.equal(await store.exists(`${pipelineFolderKey(key)}MLmodel`), false, 'nothing is exported before the first read');
      assert.deepEqual(await materialisePipelineFolder(store, key), ['MLmodel', 'conda.yaml', 'model.onnx', 'requirements.txt']);
      assert.deepEqual(await store.get(`${pipelineFolderKey(key)}model.onnx`), decode(files, 'model.onnx'), 'the thread exports the same bytes');
      assert.deepEqual(
        await materialisePipelineFolder(store, key),
        ['MLmodel', 'conda.yaml', 'model.onnx', 'requirements.txt'],
        'a second read finds it stored',
      );
      assert.equal(pipelineFolderKey(key), 'artifacts/s-abc/s-abc-t0.0123456789abcdef/pipeline/');
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('writes an MLmodel without flavors, saying why, when the pipeline has no export', () => {
    const pipeline = Pipeline.create({}, 'logistic_regression', {}, 0).fit(table('label'));
    const files = pipelineFolderFiles(pipeline.toJSON());
    assert.deepEqual(Object.keys(files), ['MLmodel']);
    const mlmodel = parse(decode(files, 'MLmodel').toString('utf8')) as { flavors: object; metadata: { sweepq_onnx: string } };
    assert.deepEqual(mlmodel.flavors, {});
    assert.match(mlmodel.metadata.sweepq_onnx, /^not exported: input column "label"/);
  });
});
