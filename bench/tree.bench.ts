/**
 * Micro-benchmark of the tree learners: the seed's three tree trials (RF 100 trees full depth, RF depth
 * 5, GB 100 stages) as fit + 5-fold CV + test evaluation, single-threaded, on a synthetic
 * make_classification dataset (default 20,000 × 40) or the loan_default fixture.
 *
 * Usage: node dist/bench/tree.bench.js [rows=20000] [features=40] [trial=all|rf|rf5|gb] [flip_y=0.01]
 *        node dist/bench/tree.bench.js loan [trial]
 * Prints one line per trial: wall seconds, CPU seconds, test accuracy, peak RSS.
 * Compare against scikit-learn 1.2.1 (same protocol): loan_default RF_100 1.54 s, RF_d5 1.10 s,
 * GB 2.41 s; 20k × 40 RF_100 45.8 s, RF_d5 20.1 s, GB 117 s.
 */
import path from 'node:path';
import type { Dataset } from '../shared/ml/dataset/dataset.js';
import { makeClassification } from '../shared/ml/dataset/make-classification.js';
import { readCsvFile } from '../shared/ml/dataset/read-csv.js';
import type { Classifier } from '../shared/ml/models/classifier.js';
import { GradientBoostingClassifier } from '../shared/ml/models/tree/gradient-boosting-classifier.js';
import { RandomForestClassifier } from '../shared/ml/models/tree/random-forest-classifier.js';

const TRIALS: Record<string, () => Classifier> = {
  rf: () => new RandomForestClassifier({ n_estimators: 100, max_depth: null, random_state: 42 }),
  rf5: () => new RandomForestClassifier({ n_estimators: 100, max_depth: 5, random_state: 42 }),
  gb: () => new GradientBoostingClassifier({ n_estimators: 100, learning_rate: 0.1, random_state: 42 }),
};

async function loadData(args: string[]): Promise<{ data: Dataset; train: Uint32Array; test: Uint32Array; label: string }> {
  if (args[0] === 'loan') {
    const root = process.cwd();
    const train = await readCsvFile(path.resolve(root, 'test/fixtures/loan_default.train.csv'), { target: 'target' });
    const test = await readCsvFile(path.resolve(root, 'test/fixtures/loan_default.test.csv'), { target: 'target' });
    const nTrain = train.nRows;
    const columns = train.columns.map((c, f) => {
      const joined = new Float64Array(nTrain + test.nRows);
      joined.set(c);
      joined.set(test.columns[f]!, nTrain);
      return joined;
    });
    const y = new Int32Array(nTrain + test.nRows);
    y.set(train.y);
    y.set(test.y, nTrain);
    const data: Dataset = { nRows: y.length, columns, y, featureNames: train.featureNames, classes: train.classes };
    return { data, train: range(0, nTrain), test: range(nTrain, y.length), label: 'loan_default' };
  }
  const rows = Number(args[0] ?? 20000);
  const features = Number(args[1] ?? 40);
  const data = makeClassification({
    n_samples: rows,
    n_features: features,
    n_informative: Math.min(10, features),
    n_redundant: Math.min(10, Math.max(0, features - 10)),
    flip_y: Number(args[3] ?? 0.01),
    random_state: 0,
  });
  const nTrain = Math.floor(rows * 0.8);
  return { data, train: range(0, nTrain), test: range(nTrain, rows), label: `${rows}x${features}` };
}

function range(start: number, end: number): Uint32Array {
  const out = new Uint32Array(end - start);
  for (let i = 0; i < out.length; i++) out[i] = start + i;
  return out;
}

function accuracy(model: Classifier, data: Dataset, rows: Uint32Array): number {
  const predicted = model.predict(data, rows);
  let hits = 0;
  for (let i = 0; i < rows.length; i++) if (predicted[i] === data.y[rows[i]!]) hits++;
  return hits / rows.length;
}

async function main(): Promise<void> {
  const args = process.argv.slice(2);
  const { data, train, test, label } = await loadData(args);
  const which = (args[0] === 'loan' ? args[1] : args[2]) ?? 'all';
  for (const name of Object.keys(TRIALS)) {
    if (which !== 'all' && which !== name) continue;
    const wall0 = performance.now();
    const cpu0 = process.cpuUsage();
    const model = TRIALS[name]!();
    model.fit(data, data.y, train);
    const testAccuracy = accuracy(model, data, test);
    // 5 contiguous folds of the training rows (the timing, not the stratification, matters here).
    let cvSum = 0;
    const foldSize = Math.floor(train.length / 5);
    for (let f = 0; f < 5; f++) {
      const inFold = (i: number): boolean => i >= f * foldSize && i < (f + 1) * foldSize;
      const fitRows: number[] = [];
      const evalRows: number[] = [];
      for (let i = 0; i < train.length; i++) (inFold(i) ? evalRows : fitRows).push(train[i]!);
      const foldModel = TRIALS[name]!();
      foldModel.fit(data, data.y, Uint32Array.from(fitRows));
      cvSum += accuracy(foldModel, data, Uint32Array.from(evalRows));
    }
    const wall = (performance.now() - wall0) / 1000;
    const cpu = process.cpuUsage(cpu0);
    const rssMb = process.resourceUsage().maxRSS / 1024;
    console.log(
      `${label} ${name.padEnd(4)} wall ${wall.toFixed(2)} s  cpu ${((cpu.user + cpu.system) / 1e6).toFixed(2)} s  ` +
        `test acc ${testAccuracy.toFixed(4)}  cv acc ${(cvSum / 5).toFixed(4)}  nodes ${(model as unknown as { nodeCount: number }).nodeCount}  peak RSS ${rssMb.toFixed(0)} MB`,
    );
  }
}

await main();
