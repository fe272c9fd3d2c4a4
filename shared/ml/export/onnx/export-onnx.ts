/**
 * Exports a fitted sweepq pipeline (artefact v2, or v1 read through `Pipeline.fromJSON`) as an ONNX
 * model that reproduces `Pipeline.predict` / `predictProba` / `predictValues`: labels exactly and
 * probabilities and values in double (see docs/onnx-export.md for the graph and its contract).
 *
 * Contract, shaped for `mlflow.onnx`'s pyfunc (one DataFrame column per input and per output):
 * - inputs: one per input column, in `inputColumns` order, named after it: `double` for numeric
 *   columns (NaN = missing), `string` for categorical ones (`''`, `nan`, `None`, `<NA>` and sweepq's CSV
 *   missing tokens = missing). Shape [N] — what mlflow feeds per column of a multi-input model — or
 *   [N, 1] when the pipeline has a single input column (mlflow then feeds `DataFrame.values`).
 * - classification outputs: `label` [N] string (the class as in `classes`) and
 *   `probability_<class>` [N] double per class; regression: `prediction` [N] double.
 */
import { InvalidInputError } from '../../../errors/index.js';
import type { ModelName, RegressorName } from '../../../schemas/model-params.schema.js';
import { Pipeline, type PipelineJSON } from '../../pipeline.js';
import { MISSING_STRINGS } from './categorical-lookup.js';
import { columnTransformerGraph } from './column-transformer-graph.js';
import { GraphBuilder, ML_DOMAIN } from './graph-builder.js';
import { CLASSIFIER_GRAPHS, REGRESSOR_GRAPHS } from './model-graphs.js';
import { encodeModel, type Dim } from './onnx-proto.js';

/** `ai.onnx` opset of exported models. */
export const ONNX_OPSET = 17;
/** `ai.onnx.ml` opset: 3 is the first with double tree thresholds (`nodes_values_as_tensor`). */
export const ONNX_ML_OPSET = 3;
/** IR version matching opset 17 (onnx 1.12+, onnxruntime 1.12+). */
export const ONNX_IR_VERSION = 8;
/** Version of the graph layout this exporter writes (model `producer_version`). */
export const ONNX_EXPORT_VERSION = 1;

/** Output names. */
export const LABEL_OUTPUT = 'label';
export const PREDICTION_OUTPUT = 'prediction';
export const PROBABILITY_OUTPUT_PREFIX = 'probability_';

/** One graph input or output as a DataFrame column. */
export interface OnnxColumn {
  name: string;
  type: 'double' | 'string';
  shape: Dim[];
}

/** The inputs and outputs of the exported model, in graph order. */
export interface OnnxSignature {
  inputs: OnnxColumn[];
  outputs: OnnxColumn[];
}

/**
 * Inputs and outputs the exported model of `pipelineJson` has (without building it).
 * @throws InvalidInputError INVALID_ARTIFACT for a malformed artefact; INVALID_ARGUMENT when an input
 *   column is named like an output.
 */
export function onnxSignature(pipelineJson: unknown): OnnxSignature {
  return signatureOf(normalise(pipelineJson));
}

/**
 * The serialized ONNX ModelProto of a fitted pipeline.
 * @throws InvalidInputError INVALID_ARTIFACT for a malformed or unfitted artefact; INVALID_ARGUMENT
 *   when an input column is named like an output.
 */
export function exportOnnx(pipelineJson: unknown): Uint8Array {
  const pipeline = normalise(pipelineJson);
  const signature = signatureOf(pipeline);
  const g = new GraphBuilder(signature.outputs.map((o) => o.name));
  const inputs = new Map<string, string>();
  for (const input of signature.inputs) inputs.set(input.name, g.input(input.name, input.type, input.shape));

  const { features, nFeatures, refused } = columnTransformerGraph(g, pipeline.columnTransformer, inputs);
  if (nFeatures !== pipeline.featureNames.length) {
    throw new InvalidInputError(
      'INVALID_ARTIFACT',
      `pipeline artefact lists ${pipeline.featureNames.length} features, its column transformer makes ${nFeatures}`,
    );
  }
  const modelName = (pipeline.model as { name: string }).name;
  const modelInput = { g, features, nFeatures };
  if (pipeline.task === 'classification') {
    let probabilities = CLASSIFIER_GRAPHS[modelName as ModelName](modelInput, pipeline.model);
    const index = g.node('ArgMax', [probabilities], 'class_index', { axis: 1, keepdims: 0 });
    let label = g.node('Gather', [g.strings('classes', pipeline.classes), index], 'label', { axis: 0 });
    if (refused !== null) {
      // Rows sweepq refuses (an unseen category with handle_unknown: error): NaN and an empty label.
      probabilities = g.node('Where', [g.reshape(refused, [-1, 1], 'refused_column'), g.scalar(Number.NaN), probabilities], 'probabilities');
      label = g.node('Where', [refused, g.strings('no_label', [''], []), label], 'label');
    }
    g.output(LABEL_OUTPUT, label, 'string', ['N'], 'predicted class, as in the pipeline classes');
    pipeline.classes.forEach((c, k) =>
      g.output(`${PROBABILITY_OUTPUT_PREFIX}${c}`, g.column(probabilities, k, `probability_${k}`), 'double', ['N'], `P(${c})`),
    );
  } else {
    let prediction = g.reshape(REGRESSOR_GRAPHS[modelName as RegressorName](modelInput, pipeline.model), [-1], 'prediction');
    if (refused !== null) prediction = g.node('Where', [refused, g.scalar(Number.NaN), prediction], 'prediction');
    g.output(PREDICTION_OUTPUT, prediction, 'double', ['N'], `predicted ${pipeline.target ?? 'value'}`);
  }

  return encodeModel({
    irVersion: ONNX_IR_VERSION,
    opsets: [
      { domain: '', version: ONNX_OPSET },
      { domain: ML_DOMAIN, version: ONNX_ML_OPSET },
    ],
    producerName: 'sweepq',
    producerVersion: String(ONNX_EXPORT_VERSION),
    domain: 'sweepq',
    modelVersion: 1,
    docString: `sweepq ${pipeline.task} pipeline (${modelName}) exported to ONNX: one input per column, outputs ${signature.outputs.map((o) => o.name).join(', ')}`,
    graph: g.build('sweepq_pipeline', 'ColumnTransformer (numeric: imputer, scaler; categorical: imputer, encoder) then the model, in double'),
    metadata: [
      ['sweepq.format', pipeline.format],
      ['sweepq.task', pipeline.task],
      ['sweepq.model', modelName],
      ['sweepq.target', pipeline.target ?? ''],
      ['sweepq.classes', JSON.stringify(pipeline.classes)],
      ['sweepq.feature_names', JSON.stringify(pipeline.featureNames)],
      ['sweepq.missing_strings', JSON.stringify(MISSING_STRINGS)],
    ],
  });
}

/** Validates any readable artefact version and returns it as version 2. */
function normalise(pipelineJson: unknown): PipelineJSON {
  return Pipeline.fromJSON(pipelineJson).toJSON();
}

function signatureOf(pipeline: PipelineJSON): OnnxSignature {
  const inputShape: Dim[] = pipeline.inputColumns.length === 1 ? ['N', 1] : ['N'];
  const inputs: OnnxColumn[] = pipeline.inputColumns.map((c) => ({ name: c.name, type: c.type === 'numeric' ? 'double' : 'string', shape: inputShape }));
  const outputs: OnnxColumn[] =
    pipeline.task === 'classification'
      ? [
          { name: LABEL_OUTPUT, type: 'string', shape: ['N'] },
          ...pipeline.classes.map((c): OnnxColumn => ({ name: `${PROBABILITY_OUTPUT_PREFIX}${c}`, type: 'double', shape: ['N'] })),
        ]
      : [{ name: PREDICTION_OUTPUT, type: 'double', shape: ['N'] }];
  const inputNames = new Set(inputs.map((i) => i.name));
  const clash = outputs.find((o) => inputNames.has(o.name));
  if (clash !== undefined) {
    throw new InvalidInputError(
      'INVALID_ARGUMENT',
      `input column "${clash.name}" has the name of an ONNX output; rename the column and refit to export this pipeline`,
    );
  }
  return { inputs, outputs };
}
