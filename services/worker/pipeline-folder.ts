/**
 * A trial's `pipeline/` artefact folder in MLflow Model format (issue 12, item 2): `MLmodel`,
 * `model.onnx` (our exporter, double precision end to end) and the pip/conda requirement files, stored
 * beside the attempt's pipeline JSON, which MLflow clients see in the same folder as
 * `sweepq-pipeline.json`. `mlflow.pyfunc.load_model("runs:/<trial id>/pipeline")` then loads it.
 *
 * A pipeline the exporter cannot write (a model without an ONNX graph) still gets an `MLmodel`: no
 * flavors, and `metadata.sweepq_onnx` says why, so MLflow refuses to load it with its own clear error
 * ("no python_function flavor") and a reader of the folder sees the reason; the JSON stays usable by
 * `sweepq predict`.
 *
 * The files are made in the training process (exporting a deep forest is CPU work the worker's event
 * loop, which renews job locks, must not do) and cross the IPC channel as base64 text.
 */
import { stringify } from 'yaml';
import { InvalidInputError } from '../../shared/errors/index.js';
import { mlflowModelFiles } from '../../shared/ml/export/onnx/index.js';
import { pipelineFolderKey } from '../../shared/schemas/sweep-context.schema.js';
import type { ObjectStore } from '../../shared/store/object-store.js';

/** File name → base64 content. */
export type PipelineFolderFiles = Record<string, string>;

/**
 * The folder's files for a fitted pipeline (its `toJSON()`).
 * @throws what the exporter throws for anything but "this pipeline has no export" (a bug: the attempt fails).
 */
export function pipelineFolderFiles(pipeline: unknown): PipelineFolderFiles {
  let files: Record<string, string | Uint8Array>;
  try {
    files = mlflowModelFiles(pipeline).files;
  } catch (error) {
    // INVALID_ARGUMENT is "this pipeline has no export" (a model without a graph, a column named like an output);
    // anything else (a malformed fresh fit) is a bug and fails the attempt.
    if (!(error instanceof InvalidInputError) || error.code !== 'INVALID_ARGUMENT') throw error;
    files = { MLmodel: stringify({ flavors: {}, metadata: { sweepq_onnx: `not exported: ${error.message}`, sweepq_pipeline: 'sweepq-pipeline.json' } }) };
  }
  const encoded: PipelineFolderFiles = {};
  for (const [name, content] of Object.entries(files)) {
    encoded[name] = (typeof content === 'string' ? Buffer.from(content, 'utf8') : Buffer.from(content.buffer, content.byteOffset, content.byteLength)).toString('base64');
  }
  return encoded;
}

/**
 * Stores the folder of the attempt whose JSON goes to `artifactKey`. Called before the JSON is stored
 * and the trial committed, so a committed trial's folder is complete (the artefact-before-commit rule).
 */
export async function storePipelineFolder(store: ObjectStore, artifactKey: string, files: PipelineFolderFiles): Promise<void> {
  const folder = pipelineFolderKey(artifactKey);
  for (const [name, base64] of Object.entries(files)) {
    await store.put(`${folder}${name}`, Buffer.from(base64, 'base64'), { contentType: name.endsWith('.onnx') ? 'application/octet-stream' : 'text/plain; charset=utf-8' });
  }
}
