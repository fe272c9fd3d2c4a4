/**
 * The ONNX exporter without Python: protobuf encoding, the input/output contract, the categorical
 * lookup tables, the graph's op set (double-precision ops only), determinism, errors, and the MLflow
 * model directory. Numeric parity with onnxruntime is onnx-parity.test.ts.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, it } from 'node:test';
import { parse } from 'yaml';
import { SweepqError } from '../../shared/errors/index.js';
import { parseTable } from '../../shared/ml/dataset/read-table.js';
import type { TabularDataset } from '../../shared/ml/dataset/table.js';
import { categoricalLookup } from '../../shared/ml/export/onnx/categorical-lookup.js';
import {
  exportOnnx,
  LABEL_OUTPUT,
  MISSING_STRINGS,
  MLFLOW_ONNX_FILE,
  ONNX_IR_VERSION,
  ONNX_ML_OPSET,
  ONNX_OPSET,
  onnxSignature,
  PREDICTION_OUTPUT,
  PROBABILITY_OUTPUT_PREFIX,
  writeMlflowModel,
  type MlflowModelOptions,
  type MlflowModelWritten,
  type OnnxColumn,
  type OnnxSignature,
} from '../../shared/ml/export/onnx/index.js';
import { ProtobufWriter } from '../../shared/ml/export/onnx/protobuf-writer.js';
import { Pipeline } from '../../shared/ml/pipeline.js';

const isCode = (code: string, pattern?: RegExp) => (error: unknown) =>
  error instanceof SweepqError && error.code === code && (pattern === undefined || pattern.test(error.message));

/** A small mixed table: 2 numeric (one with gaps), 2 categorical (one with gaps and a rare value). */
function mixed(target: 'y' | 'income' = 'y', n = 120): TabularDataset {
  let text = 'age,income,city,plan,y\n';
  const cities = ['Oslo', 'Bergen', 'Tromsø'];
  for (let i = 0; i < n; i++) {
    const city = i % 17 === 0 ? '' : cities[i % 3]!;
    const plan = i % 40 === 0 ? 'gold' : i % 2 === 0 ? 'basic' : 'pro';
    const y = (i % 3 === 0) !== (i % 5 === 0) ? 'churn' : 'stay';
    text += `${20 + (i % 30)},${i % 11 === 0 && target === 'y' ? '' : 1000 + i * 13},${city},${plan},${y}\n`;
  }
  return parseTable(text, target === 'y' ? { target } : { target, task: 'regression', columns: { drop: ['y'] } });
}

/** {@link mixed} with the city "Tromsø" renamed "None" — a real category (Parquet can hold one) that reads as missing in CSV. */
function withNoneCategory(): TabularDataset {
  const data = mixed();
  const columns = data.columns.map((c) =>
    c.type === 'categorical' && c.name === 'city' ? { ...c, categories: c.categories.map((v) => (v === 'Tromsø' ? 'None' : v)) } : c,
  );
  return { ...data, columns };
}

/** Top-level fields of a protobuf message: field number → raw values (varints as bigint, bytes as Uint8Array). */
function decode(bytes: Uint8Array): Map<number, Array<bigint | Uint8Array>> {
  const fields = new Map<number, Array<bigint | Uint8Array>>();
  let i = 0;
  const varint = (): bigint => {
    let result = 0n;
    let shift = 0n;
    for (;;) {
      const b = bytes[i++]!;
      result |= BigInt(b & 0x7f) << shift;
      if ((b & 0x80) === 0) return result;
      shift += 7n;
    }
  };
  while (i < bytes.length) {
    const tag = Number(varint());
    const field = tag >> 3;
    let value: bigint | Uint8Array;
    switch (tag & 7) {
      case 0:
        value = varint();
        break;
      case 1:
        value = bytes.subarray(i, i + 8);
        i += 8;
        break;
      case 2: {
        const length = Number(varint());
        value = bytes.subarray(i, i + length);
        i += length;
        break;
      }
      case 5:
        value = bytes.subarray(i, i + 4);
        i += 4;
        break;
      default:
        throw new Error(`wire type ${tag & 7}`);
    }
    if (!fields.has(field)) fields.set(field, []);
    fields.get(field)!.push(value);
  }
  return fields;
}
const text = (value: bigint | Uint8Array | undefined): string => new TextDecoder().decode(value as Uint8Array);

/** op_type (with domain) of every node of a serialized model. */
function opTypes(model: Uint8Array): string[] {
  const graph = decode(decode(model).get(7)![0] as Uint8Array);
  return graph.get(1)!.map((node) => {
    const fields = decode(node as Uint8Array);
    const domain = fields.get(7)?.[0];
    return domain === undefined ? text(fields.get(4)![0]) : `${text(domain)}.${text(fields.get(4)![0])}`;
  });
}

describe('ProtobufWriter', () => {
  it('writes varints, negative int64 as ten bytes, and length-delimited strings', () => {
    assert.deepEqual(Array.from(new ProtobufWriter().int64(1, 300).finish()), [0x08, 0xac, 0x02]);
    assert.deepEqual(Array.from(new ProtobufWriter().int64(2, -1).finish()), [0x10, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x01]);
    assert.deepEqual(Array.from(new ProtobufWriter().string(3, 'ø').finish()), [0x1a, 0x02, 0xc3, 0xb8]);
    assert.deepEqual(Array.from(new ProtobufWriter().int64(4, 2 ** 40).finish()), [0x20, 0x80, 0x80, 0x80, 0x80, 0x80, 0x20]);
    assert.deepEqual(Array.from(new ProtobufWriter().message(5, (m) => m.int64(1, 1)).finish()), [0x2a, 0x02, 0x08, 0x01]);
  });
});

describe('exportOnnx', () => {
  const classifier = Pipeline.create(
    { numeric: { imputer: { strategy: 'median' }, scaler: 'standard' }, categorical: { imputer: null, encoder: { kind: 'onehot' } } },
    'random_forest',
    { n_estimators: 3 },
    1,
  ).fit(mixed());

  it('has one input per column (double / string, [N]) and label + one probability output per class', () => {
    const expected: OnnxSignature = {
      inputs: [
        { name: 'age', type: 'double', shape: ['N'] },
        { name: 'income', type: 'double', shape: ['N'] },
        { name: 'city', type: 'string', shape: ['N'] },
        { name: 'plan', type: 'string', shape: ['N'] },
      ],
      outputs: [
        { name: 'label', type: 'string', shape: ['N'] },
        { name: 'probability_churn', type: 'double', shape: ['N'] },
        { name: 'probability_stay', type: 'double', shape: ['N'] },
      ],
    };
    assert.deepEqual(onnxSignature(classifier.toJSON()), expected);
    const classOutputs: OnnxColumn[] = expected.outputs.slice(1);
    assert.deepEqual(
      classOutputs.map((o) => o.name.slice(PROBABILITY_OUTPUT_PREFIX.length)),
      classifier.classes,
    );
    assert.equal(expected.outputs[0]!.name, LABEL_OUTPUT);
  });

  it('gives a single input column the shape [N, 1] (mlflow feeds DataFrame.values) and regressors a prediction', () => {
    const data = parseTable('x,v\n1,2.5\n2,3.5\n3,7.25\n4,8.5\n', { target: 'v', task: 'regression' });
    const pipeline = Pipeline.create({}, 'ridge', {}, 0, 'regression').fit(data);
    assert.deepEqual(onnxSignature(pipeline.toJSON()), {
      inputs: [{ name: 'x', type: 'double', shape: ['N', 1] }],
      outputs: [{ name: PREDICTION_OUTPUT, type: 'double', shape: ['N'] }],
    });
  });

  it('writes the same bytes every time, with IR version 8 and opsets ai.onnx 17 and ai.onnx.ml 3', () => {
    const bytes = exportOnnx(classifier.toJSON());
    assert.deepEqual(bytes, exportOnnx(JSON.parse(JSON.stringify(classifier.toJSON()))));
    const model = decode(bytes);
    assert.equal(model.get(1)![0], BigInt(ONNX_IR_VERSION));
    const opsets = model.get(8)!.map((o) => {
      const f = decode(o as Uint8Array);
      return `${text(f.get(1)![0])}:${String(f.get(2)![0])}`;
    });
    assert.deepEqual(opsets, [`:${ONNX_OPSET}`, `ai.onnx.ml:${ONNX_ML_OPSET}`]);
    assert.deepEqual([ONNX_OPSET, ONNX_ML_OPSET], [17, 3]);
  });

  it('uses no float32 op of ai.onnx.ml (Imputer, Scaler, Linear*, OneHotEncoder, tree ensembles as predictors)', () => {
    const models = [
      classifier,
      Pipeline.create({ imputer: { strategy: 'mean' }, scaler: 'minmax' }, 'logistic_regression', {}, 0).fit(mixed()),
      Pipeline.create({ categorical: { encoder: { kind: 'ordinal' } } }, 'gradient_boosting', { n_estimators: 4 }, 0).fit(mixed()),
      Pipeline.create({ imputer: { strategy: 'median' } }, 'linear_regression', {}, 0, 'regression').fit(mixed('income')),
      Pipeline.create({}, 'random_forest', { n_estimators: 3 }, 0, 'regression').fit(mixed('income')),
      Pipeline.create({}, 'gradient_boosting', { n_estimators: 3, loss: 'huber' }, 0, 'regression').fit(mixed('income')),
    ];
    for (const pipeline of models) {
      const ml = opTypes(exportOnnx(pipeline.toJSON())).filter((op) => op.startsWith('ai.onnx.ml.'));
      for (const op of ml) assert.ok(['ai.onnx.ml.LabelEncoder', 'ai.onnx.ml.TreeEnsembleRegressor'].includes(op), `${pipeline.model.name}: ${op}`);
    }
  });

  it('exports version 1 artefacts (numeric features, v1 steps)', () => {
    const saved = JSON.parse(readFileSync(path.resolve(process.cwd(), 'test/fixtures/models/pipelines-v1.json'), 'utf8')) as {
      artefacts: Array<{ pipeline: unknown }>;
    };
    for (const artefact of saved.artefacts) {
      assert.ok(exportOnnx(artefact.pipeline).length > 0);
      assert.ok(onnxSignature(artefact.pipeline).inputs.every((i) => i.type === 'double' && /^feature_\d+$/.test(i.name)));
    }
  });

  it('refuses an input column named like an output, and malformed artefacts', () => {
    const data = parseTable('label,y\n1,a\n2,b\n3,a\n4,b\n', { target: 'y' });
    const pipeline = Pipeline.create({}, 'logistic_regression', {}, 0).fit(data);
    assert.throws(() => exportOnnx(pipeline.toJSON()), isCode('INVALID_ARGUMENT', /"label"/));
    assert.throws(() => exportOnnx({ format: 'something' }), isCode('INVALID_ARTIFACT'));
    const broken = { ...classifier.toJSON(), featureNames: ['a'] };
    assert.throws(() => exportOnnx(broken), isCode('INVALID_ARTIFACT', /features/));
  });
});

describe('categoricalLookup', () => {
  const fitted = (column: number, encoder: Record<string, unknown>, imputer: Record<string, unknown> | null = null, data = mixed()) => {
    const pipeline = Pipeline.create({ categorical: { imputer, encoder } } as never, 'logistic_regression', {}, 0).fit(data);
    const ct = pipeline.toJSON().columnTransformer as { categorical: { imputers: unknown[]; encoders: unknown[] } };
    return { imputer: ct.categorical.imputers[column], encoder: ct.categorical.encoders[column] };
  };

  it('gives each known category, missing and unknown the row sweepq encodes them to', () => {
    const { imputer, encoder } = fitted(0, { kind: 'onehot', handle_unknown: 'ignore' }, null, withNoneCategory());
    const lookup = categoricalLookup('city', imputer, encoder);
    // "None" was a category in fit: it is a key, not a missing string; missing is a category (city_nan).
    assert.deepEqual(lookup.keys, ['Bergen', 'None', 'Oslo']);
    assert.deepEqual(
      lookup.missingKeys,
      MISSING_STRINGS.filter((s) => s !== 'None'),
    );
    assert.equal(lookup.width, 4);
    assert.deepEqual(Array.from(lookup.table), [1, 0, 0, 0, 0, 1, 0, 0, 0, 0, 1, 0, 0, 0, 0, 1, 0, 0, 0, 0]);
    assert.deepEqual(Array.from(lookup.refused), [0, 0, 0, 0, 0]);
  });

  it('reproduces drop, infrequent grouping, the imputer fill and refusals', () => {
    const { imputer, encoder } = fitted(
      1,
      { kind: 'onehot', handle_unknown: 'error', min_frequency: 5, drop: 'first' },
      { strategy: 'constant', fill_value: 'unseen' },
    );
    const lookup = categoricalLookup('plan', imputer, encoder);
    // plan: basic, gold (3 rows: infrequent), pro; the fill "unseen" gets a row, refused like any unseen value.
    assert.deepEqual(lookup.keys, ['basic', 'gold', 'pro', 'unseen']);
    assert.equal(lookup.width, 2); // pro, infrequent (basic dropped)
    assert.deepEqual(Array.from(lookup.table.subarray(0, 6)), [0, 0, 0, 1, 1, 0]);
    assert.deepEqual(Array.from(lookup.refused), [0, 0, 0, 1, 1, 1]);
    assert.ok(Number.isNaN(lookup.table[lookup.unknownRow * 2]!));
  });

  it('maps ordinal unknowns to unknown_value and missing to NaN', () => {
    const { imputer, encoder } = fitted(0, { kind: 'ordinal', unknown_value: -1 });
    const lookup = categoricalLookup('city', imputer, encoder);
    assert.deepEqual(lookup.keys, ['Bergen', 'Oslo', 'Tromsø']);
    assert.deepEqual(Array.from(lookup.table), [0, 1, 2, Number.NaN, -1]);
  });
});

describe('writeMlflowModel', () => {
  it('writes model.onnx and an MLmodel with the onnx and python_function flavors and the column signature', async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'sweepq-mlflow-'));
    try {
      const pipeline = Pipeline.create({}, 'decision_tree', { max_depth: 3 }, 0).fit(mixed());
      const options: MlflowModelOptions = {};
      const written: MlflowModelWritten = await writeMlflowModel(dir, pipeline.toJSON(), options);
      assert.deepEqual(written.files.sort(), ['MLmodel', 'conda.yaml', 'model.onnx', 'requirements.txt']);
      assert.deepEqual(new Uint8Array(readFileSync(path.join(dir, MLFLOW_ONNX_FILE))), exportOnnx(pipeline.toJSON()));
      const mlmodel = parse(readFileSync(path.join(dir, 'MLmodel'), 'utf8')) as {
        flavors: { python_function: { loader_module: string; data: string }; onnx: { data: string } };
        signature: { inputs: string; outputs: string };
      };
      assert.equal(mlmodel.flavors.python_function.loader_module, 'mlflow.onnx');
      assert.equal(mlmodel.flavors.python_function.data, 'model.onnx');
      assert.equal(mlmodel.flavors.onnx.data, 'model.onnx');
      assert.deepEqual(JSON.parse(mlmodel.signature.inputs), [
        { type: 'double', name: 'age', required: true },
        { type: 'double', name: 'income', required: true },
        { type: 'string', name: 'city', required: true },
        { type: 'string', name: 'plan', required: true },
      ]);
      assert.deepEqual(
        (JSON.parse(mlmodel.signature.outputs) as Array<{ name: string }>).map((o) => o.name),
        ['label', 'probability_churn', 'probability_stay'],
      );
      const first = readFileSync(path.join(dir, 'MLmodel'), 'utf8');
      await writeMlflowModel(dir, pipeline.toJSON());
      assert.equal(readFileSync(path.join(dir, 'MLmodel'), 'utf8'), first, 'writing twice gives the same files');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
