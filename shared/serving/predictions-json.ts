/**
 * The answer of a scoring request, written as JSON text directly from the typed prediction arrays
 * (no array of row objects is built for `JSON.stringify`). Shapes, as MLflow's scoring server answers
 * (`{"predictions": ...}`, mlflow/pyfunc/scoring_server `predictions_to_json`):
 *
 * - classifier: `{"predictions": ["Adelie", ...]}` — the class labels as in the artefact's `classes`
 *   (strings: a 0/1 target answers "0"/"1", as `sweepq predict --json` prints them);
 * - classifier with probabilities: `{"predictions": [{"label": "Adelie", "probability_Adelie": 0.93,
 *   ...}, ...]}` — one record per row, the same columns as the exported ONNX model has, so the answer
 *   equals what `mlflow models serve` gives for `sweepq export --format mlflow`;
 * - regressor: `{"predictions": [3712.5, ...]}`.
 */
import { LABEL_OUTPUT, PROBABILITY_OUTPUT_PREFIX } from '../ml/export/onnx/index.js';

/** Precomputed JSON fragments of one classifier's labels and probability keys. */
export interface ClassFragments {
  /** `"Adelie"` per class (JSON string literals). */
  readonly labels: readonly string[];
  /** `{"label":"Adelie",` per class: the start of a probability record. */
  readonly recordStarts: readonly string[];
  /** `"probability_Adelie":` per class. */
  readonly probabilityKeys: readonly string[];
}

export function classFragments(classes: readonly string[]): ClassFragments {
  const labels = classes.map((c) => JSON.stringify(c));
  return {
    labels,
    recordStarts: labels.map((label) => `{${JSON.stringify(LABEL_OUTPUT)}:${label},`),
    probabilityKeys: classes.map((c) => `${JSON.stringify(`${PROBABILITY_OUTPUT_PREFIX}${c}`)}:`),
  };
}

/** A number as JSON: NaN and infinities (which JSON cannot hold) as null. */
function jsonNumber(value: number): string {
  return value - value === 0 ? String(value) : 'null';
}

/** `{"predictions": [labels]}` for the class indices `predicted`. */
export function labelsJson(predicted: Int32Array, fragments: ClassFragments): string {
  const labels = fragments.labels;
  let out = '{"predictions":[';
  for (let i = 0; i < predicted.length; i++) out += (i === 0 ? '' : ',') + labels[predicted[i]!]!;
  return `${out}]}`;
}

/** `{"predictions": [{"label", "probability_<class>"...}]}` from row-major probabilities. */
export function probabilityRecordsJson(proba: Float64Array, predicted: Int32Array, fragments: ClassFragments): string {
  const k = fragments.labels.length;
  const keys = fragments.probabilityKeys;
  let out = '{"predictions":[';
  for (let i = 0; i < predicted.length; i++) {
    out += (i === 0 ? '' : ',') + fragments.recordStarts[predicted[i]!]!;
    const base = i * k;
    for (let c = 0; c < k; c++) out += (c === 0 ? '' : ',') + keys[c]! + jsonNumber(proba[base + c]!);
    out += '}';
  }
  return `${out}]}`;
}

/** `{"predictions": [values]}`. */
export function valuesJson(values: Float64Array): string {
  let out = '{"predictions":[';
  for (let i = 0; i < values.length; i++) out += (i === 0 ? '' : ',') + jsonNumber(values[i]!);
  return `${out}]}`;
}
