/**
 * A trial's `pipeline/` artefact folder in MLflow Model format (issue 12, item 2): `MLmodel`,
 * `model.onnx` (our exporter, double precision end to end) and the pip/conda requirement files, beside
 * the attempt's pipeline JSON, which MLflow clients see in the same folder as `sweepq-pipeline.json`.
 * `mlflow.pyfunc.load_model("runs:/<trial id>/pipeline")` then loads it.
 *
 * The folder is made on first read, not by the worker: the export is a pure function of the JSON (same
 * bytes whenever it runs), and made per trial it cost every trial the export (up to ~1.6 s of CPU for
 * a 100-tree full-depth forest) and four more store writes, while few trials are ever loaded through
 * MLflow. The first `artifacts/list` or download of a completed trial's folder exports it in a thread
 * (never on the API's event loop) and stores the files, `MLmodel` last: a folder with an `MLmodel` is
 * complete. Concurrent first reads write identical bytes, so a race is harmless.
 *
 * A pipeline the exporter cannot write (a model without an ONNX graph) still gets an `MLmodel`: no
 * flavors, and `metadata.sweepq_onnx` says why, so MLflow refuses to load it with its own clear error
 * ("no python_function flavor") and a reader of the folder sees the reason.
 */
import { Worker } from 'node:worker_threads';
import { stringify } from 'yaml';
import { InvalidInputError, SweepqError } from '../errors/index.js';
import { mlflowModelFiles } from '../ml/export/onnx/index.js';
import { pipelineFolderKey } from '../schemas/sweep-context.schema.js';
import type { ObjectStore } from '../store/object-store.js';

/** The files of an exported folder, in the order they are listed. */
export const EXPORTED_FILES = ['MLmodel', 'conda.yaml', 'model.onnx', 'requirements.txt'] as const;

/**
 * The folder's files for a fitted pipeline (its `toJSON()`), name → bytes.
 * @throws what the exporter throws for anything but "this pipeline has no export" (a bug).
 */
export function pipelineFolderFiles(pipeline: unknown): Record<string, Uint8Array> {
  let files: Record<string, string | Uint8Array>;
  try {
    files = mlflowModelFiles(pipeline).files;
  } catch (error) {
    // INVALID_ARGUMENT is "this pipeline has no export" (a model without a graph, a column named like an output).
    if (!(error instanceof InvalidInputError) || error.code !== 'INVALID_ARGUMENT') throw error;
    files = { MLmodel: stringify({ flavors: {}, metadata: { sweepq_onnx: `not exported: ${error.message}`, sweepq_pipeline: 'sweepq-pipeline.json' } }) };
  }
  const out: Record<string, Uint8Array> = {};
  for (const [name, content] of Object.entries(files)) out[name] = typeof content === 'string' ? Buffer.from(content, 'utf8') : content;
  return out;
}

/** The compiled thread that runs {@link pipelineFolderFiles} off the event loop. */
const THREAD_FILE = new URL('./pipeline-folder-thread.js', import.meta.url);

function exportInThread(pipelineJson: Buffer): Promise<Record<string, Uint8Array>> {
  return new Promise((resolve, reject) => {
    const thread = new Worker(THREAD_FILE, { workerData: pipelineJson });
    thread.once('message', (reply: { files?: Record<string, Uint8Array>; error?: string }) => {
      if (reply.files !== undefined) resolve(reply.files);
      else reject(new SweepqError('INTERNAL', `exporting the pipeline to ONNX failed: ${reply.error ?? 'unknown error'}`));
    });
    thread.once('error', reject);
    thread.once('exit', (code) => {
      if (code !== 0) reject(new SweepqError('INTERNAL', `the pipeline export thread exited with code ${code}`));
    });
  });
}

/**
 * The names of the files in the folder of the attempt whose JSON is at `artifactKey`, exporting and
 * storing them first when this is the folder's first read.
 */
export async function materialisePipelineFolder(store: ObjectStore, artifactKey: string): Promise<string[]> {
  const folder = pipelineFolderKey(artifactKey);
  if (!(await store.exists(`${folder}MLmodel`))) {
    const files = await exportInThread(await store.get(artifactKey));
    const names = Object.keys(files).filter((name) => name !== 'MLmodel');
    await Promise.all(
      names.map((name) =>
        store.put(`${folder}${name}`, Buffer.from(files[name]!), {
          contentType: name.endsWith('.onnx') ? 'application/octet-stream' : 'text/plain; charset=utf-8',
        }),
      ),
    );
    await store.put(`${folder}MLmodel`, Buffer.from(files.MLmodel!), { contentType: 'text/plain; charset=utf-8' });
  }
  return (await store.exists(`${folder}model.onnx`)) ? [...EXPORTED_FILES] : ['MLmodel'];
}
