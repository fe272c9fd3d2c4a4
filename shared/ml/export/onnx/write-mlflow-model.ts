/**
 * Writes an MLflow Model directory for a fitted pipeline, as `mlflow.onnx.save_model` would: the ONNX
 * file, an `MLmodel` with the `onnx` flavor and a `python_function` flavor loaded by `mlflow.onnx`,
 * the column signature, and pip/conda requirement files. `mlflow.pyfunc.load_model(dir)` then predicts
 * on a pandas DataFrame with one column per input column (see docs/onnx-export.md for dtypes).
 *
 * The directory content is a function of the pipeline alone (model_uuid is derived from the ONNX bytes,
 * no timestamp unless asked), so writing the same model twice gives the same files.
 */
import { createHash } from 'node:crypto';
import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { stringify } from 'yaml';
import { Pipeline } from '../../pipeline.js';
import { exportOnnx, onnxSignature, type OnnxColumn, type OnnxSignature } from './export-onnx.js';

/** File name of the ONNX model inside the directory. */
export const MLFLOW_ONNX_FILE = 'model.onnx';

export interface MlflowModelOptions {
  /** Recorded as `utc_time_created`; omitted by default so the files are reproducible. */
  createdAt?: Date;
  /**
   * Python version for MLflow's virtualenv environment manager (`python_env.yaml`); omitted by default
   * (then only `conda.yaml` and `requirements.txt` describe the environment).
   */
  pythonVersion?: string;
}

export interface MlflowModelWritten {
  dir: string;
  /** Files written, relative to `dir`. */
  files: string[];
  signature: OnnxSignature;
}

/** Python packages the pyfunc flavor needs to load and run the model. */
const REQUIREMENTS = ['mlflow', 'onnx', 'onnxruntime'];

/** The files of an MLflow Model directory, by name, and the model's signature. */
export interface MlflowModelFiles {
  files: Record<string, string | Uint8Array>;
  signature: OnnxSignature;
}

/**
 * The files {@link writeMlflowModel} writes, in memory (the worker stores them as a trial's `pipeline/`
 * artefact folder).
 * @throws InvalidInputError as {@link exportOnnx} for a pipeline that cannot be exported.
 */
export function mlflowModelFiles(pipelineJson: unknown, options: MlflowModelOptions = {}): MlflowModelFiles {
  const pipeline = Pipeline.fromJSON(pipelineJson).toJSON();
  const onnx = exportOnnx(pipeline);
  const signature = onnxSignature(pipeline);
  const env: Record<string, string> = { conda: 'conda.yaml' };
  if (options.pythonVersion !== undefined) env.virtualenv = 'python_env.yaml';
  const mlmodel: Record<string, unknown> = {
    flavors: {
      onnx: { code: null, data: MLFLOW_ONNX_FILE, providers: ['CPUExecutionProvider'] },
      python_function: {
        data: MLFLOW_ONNX_FILE,
        env,
        loader_module: 'mlflow.onnx',
        ...(options.pythonVersion === undefined ? {} : { python_version: options.pythonVersion }),
      },
    },
    metadata: {
      sweepq_task: pipeline.task,
      sweepq_model: (pipeline.model as { name: string }).name,
      sweepq_target: pipeline.target,
      sweepq_classes: pipeline.classes,
    },
    model_size_bytes: onnx.length,
    model_uuid: createHash('sha256').update(onnx).digest('hex').slice(0, 32),
    signature: {
      inputs: JSON.stringify(signature.inputs.map(colSpec)),
      outputs: JSON.stringify(signature.outputs.map(colSpec)),
      params: null,
    },
    ...(options.createdAt === undefined ? {} : { utc_time_created: options.createdAt.toISOString().replace('T', ' ').replace('Z', '') }),
  };
  const files: Record<string, string | Uint8Array> = {
    [MLFLOW_ONNX_FILE]: onnx,
    MLmodel: stringify(mlmodel),
    'requirements.txt': `${REQUIREMENTS.join('\n')}\n`,
    'conda.yaml': stringify({ name: 'mlflow-env', channels: ['conda-forge'], dependencies: ['python>=3.10', 'pip', { pip: REQUIREMENTS }] }),
  };
  if (options.pythonVersion !== undefined) {
    files['python_env.yaml'] = stringify({
      python: options.pythonVersion,
      build_dependencies: ['pip', 'setuptools', 'wheel'],
      dependencies: ['-r requirements.txt'],
    });
  }
  return { files, signature };
}

/**
 * Writes `dir` (created when missing; files of the same names are replaced).
 * @throws InvalidInputError as {@link exportOnnx} for a pipeline that cannot be exported.
 */
export async function writeMlflowModel(dir: string, pipelineJson: unknown, options: MlflowModelOptions = {}): Promise<MlflowModelWritten> {
  const { files, signature } = mlflowModelFiles(pipelineJson, options);
  await mkdir(dir, { recursive: true });
  for (const [name, content] of Object.entries(files)) await writeFile(path.join(dir, name), content);
  return { dir, files: Object.keys(files), signature };
}

/** An MLflow ColSpec: a column's MLflow type (double / string) and name. */
function colSpec(column: OnnxColumn): { type: string; name: string; required: boolean } {
  return { type: column.type, name: column.name, required: true };
}
