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
 */
import { stringify } from 'yaml';
import { InvalidInputError } from '../../shared/errors/index.js';
import { mlflowModelFiles } from '../../shared/ml/export/onnx/index.js';
import { pipelineFolderKey } from '../../shared/schemas/sweep-context.schema.js';
import type { ObjectStore } from '../../shared/store/object-store.js';

/**
 * Stores the folder of the attempt whose JSON goes to `artifactKey`. Called before the JSON is stored
 * and the trial committed, so a committed trial's folder is complete (the artefact-before-commit rule).
 * @returns whether the ONNX model was written.
 */
export async function storePipelineFolder(store: ObjectStore, artifactKey: string, pipelineJson: string): Promise<{ onnx: boolean }> {
  const folder = pipelineFolderKey(artifactKey);
  let files: Record<string, string | Uint8Array>;
  let onnx = true;
  try {
    files = mlflowModelFiles(JSON.parse(pipelineJson)).files;
  } catch (error) {
    // Only "this pipeline has no export" is expected; anything else is a bug and fails the attempt.
    if (!(error instanceof InvalidInputError)) throw error;
    onnx = false;
    files = { MLmodel: stringify({ flavors: {}, metadata: { sweepq_onnx: `not exported: ${error.message}`, sweepq_pipeline: 'sweepq-pipeline.json' } }) };
  }
  for (const [name, content] of Object.entries(files)) {
    await store.put(`${folder}${name}`, typeof content === 'string' ? content : Buffer.from(content.buffer, content.byteOffset, content.byteLength), {
      contentType: name.endsWith('.onnx') ? 'application/octet-stream' : 'text/plain; charset=utf-8',
    });
  }
  return { onnx };
}
