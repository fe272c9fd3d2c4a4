/**
 * ONNX export of fitted pipelines (issue 12): the public API. Graph building, protobuf encoding and
 * the per-model graphs stay internal.
 */
export {
  exportOnnx,
  onnxSignature,
  ONNX_OPSET,
  ONNX_ML_OPSET,
  ONNX_IR_VERSION,
  LABEL_OUTPUT,
  PREDICTION_OUTPUT,
  PROBABILITY_OUTPUT_PREFIX,
} from './export-onnx.js';
export type { OnnxColumn, OnnxSignature } from './export-onnx.js';
export { MISSING_STRINGS } from './categorical-lookup.js';
export { writeMlflowModel, MLFLOW_ONNX_FILE } from './write-mlflow-model.js';
export type { MlflowModelOptions, MlflowModelWritten } from './write-mlflow-model.js';
