/**
 * `sweepq export MODEL | --sweep ID [--trial T] --format onnx|mlflow [--out PATH]`: a saved pipeline as
 * an ONNX file, or as an MLflow Model directory (MLmodel + model.onnx + requirements) that
 * `mlflow.pyfunc.load_model` and `mlflow models serve` read. See docs/onnx-export.md for the graph.
 *
 * Nothing half-done: the model is exported in memory first (a model that cannot be exported writes
 * nothing), the ONNX file is written atomically, the MLflow directory is written next to its target
 * and renamed into place. An existing output is refused (as `mlflow.onnx.save_model` does) unless
 * `--force`, which overwrites an ONNX file or replaces an MLflow model directory (never another folder).
 */
import { rename, rm, stat } from 'node:fs/promises';
import path from 'node:path';
import { InvalidInputError } from '../../../shared/errors/index.js';
import { exportOnnx, onnxSignature, writeMlflowModel, type OnnxSignature } from '../../../shared/ml/export/onnx/index.js';
import { flag, printJson, printLine, stringOption, type Command } from '../command.js';
import { loadModel, type LoadedModel } from '../model-source.js';
import { assertMayWrite, siblingTempPath, writeFileAtomic } from '../write-file-atomic.js';

export const EXPORT_FORMATS = ['onnx', 'mlflow'] as const;
type ExportFormat = (typeof EXPORT_FORMATS)[number];

interface Exported {
  format: ExportFormat;
  out: string;
  /** Files written, relative to `out` (mlflow) or `[out]` itself (onnx). */
  files: string[];
  bytes: number;
  signature: OnnxSignature;
}

/** Where the export goes when --out is not given: beside the model file, or here for a sweep's model. */
function defaultOut(model: LoadedModel, modelPath: string | undefined, format: ExportFormat): string {
  const dir = modelPath === undefined ? '.' : path.dirname(modelPath);
  return path.join(dir, format === 'onnx' ? `${model.stem}.onnx` : `${model.stem}-mlflow`);
}

async function exists(target: string): Promise<boolean> {
  try {
    await stat(target);
    return true;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return false;
    throw error;
  }
}

async function exportOnnxFile(model: LoadedModel, out: string): Promise<Exported> {
  const json = model.pipeline.toJSON();
  const bytes = exportOnnx(json);
  await writeFileAtomic(out, bytes);
  return { format: 'onnx', out, files: [path.basename(out)], bytes: bytes.length, signature: onnxSignature(json) };
}

/**
 * `--force` replaces an MLflow model directory only: a folder without an `MLmodel` file may be
 * anything (`--out .`), and is never deleted.
 */
async function assertReplaceableModelDirectory(out: string, force: boolean): Promise<boolean> {
  if (!(await exists(out))) return false;
  if (!force)
    throw new InvalidInputError(
      'INVALID_ARGUMENT',
      `${out} already exists: add --force to replace it, or give another --out (an MLflow model directory is written whole, never merged)`,
    );
  const isModel = (await stat(out)).isDirectory() && (await exists(path.join(out, 'MLmodel')));
  if (!isModel)
    throw new InvalidInputError(
      'INVALID_ARGUMENT',
      `${out} exists and is not an MLflow model directory (no MLmodel file in it): --force replaces only a model directory; give another --out`,
    );
  return true;
}

async function exportMlflowDirectory(model: LoadedModel, out: string, force: boolean): Promise<Exported> {
  const replacing = await assertReplaceableModelDirectory(out, force);
  const json = model.pipeline.toJSON();
  // Refuses a pipeline without an ONNX export before anything touches the disk.
  onnxSignature(json);
  const temp = siblingTempPath(out, 'tmp');
  try {
    const written = await writeMlflowModel(temp, json);
    let bytes = 0;
    for (const file of written.files) bytes += (await stat(path.join(temp, file))).size;
    if (replacing) {
      // A directory cannot be renamed over a non-empty one: the old model steps aside first, and is
      // deleted only once the new one is in place.
      const old = siblingTempPath(out, 'old');
      await rename(out, old);
      try {
        await rename(temp, out);
      } catch (error) {
        await rename(old, out);
        throw error;
      }
      await rm(old, { recursive: true, force: true });
    } else {
      await rename(temp, out);
    }
    return { format: 'mlflow', out, files: written.files, bytes, signature: written.signature };
  } catch (error) {
    await rm(temp, { recursive: true, force: true });
    throw error;
  }
}

export const exportCommand: Command = {
  async run({ positionals, values }) {
    const format = stringOption(values, 'format') as ExportFormat;
    const modelPath = positionals[0];
    const model = await loadModel(modelPath, values);
    const out = stringOption(values, 'out') ?? defaultOut(model, modelPath, format);
    const force = flag(values, 'force');
    if (format === 'onnx') assertMayWrite(out, force, 'ONNX file');
    const exported = format === 'onnx' ? await exportOnnxFile(model, out) : await exportMlflowDirectory(model, out, force);
    if (flag(values, 'json')) {
      printJson({ ...exported, model: model.description, ...(model.trial === undefined ? {} : { trial: model.trial }) });
      return 0;
    }
    const { inputs, outputs } = exported.signature;
    printLine(
      `exported ${model.description} to ${out} (${exported.format === 'onnx' ? 'ONNX' : `MLflow model: ${exported.files.join(', ')}`}; ${exported.bytes} bytes)`,
    );
    printLine(`inputs   ${inputs.map((i) => `${i.name} (${i.type})`).join(', ')}`);
    printLine(`outputs  ${outputs.map((o) => o.name).join(', ')}`);
    return 0;
  },
};
