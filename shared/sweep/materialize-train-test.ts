/**
 * Turns a sweep's dataset reference plus the CSV texts it names into the train/test pair a trial
 * trains on. CPU-bound (parse + split), so workers call it inside the training thread.
 */
import { InvalidInputError } from '../errors/index.js';
import { takeRows, type TrainTest } from '../ml/dataset/dataset.js';
import { parseCsv } from '../ml/dataset/read-csv.js';
import { trainTestSplit } from '../ml/dataset/train-test-split.js';
import type { DatasetRef } from '../schemas/sweep-context.schema.js';

export function materializeTrainTest(ref: DatasetRef, trainText: string, testText: string | null): TrainTest {
  const train = parseCsv(trainText, { target: ref.target, source: `dataset ${ref.train.slice(0, 12)}` });
  if (ref.test !== null) {
    if (testText === null) throw new InvalidInputError('INVALID_SPEC', 'the sweep names a test dataset but none was loaded');
    const test = parseCsv(testText, { target: ref.target, source: `dataset ${ref.test.slice(0, 12)}` });
    assertSameFeatures(train.featureNames, test.featureNames);
    return { train, test };
  }
  if (ref.split === null) {
    throw new InvalidInputError('INVALID_SPEC', 'a single CSV dataset needs a split (split: {test_size, random_state})');
  }
  const { train: trainRows, test: testRows } = trainTestSplit(train.y, train.classes.length, {
    testSize: ref.split.test_size,
    randomState: ref.split.random_state,
    stratify: ref.split.stratify,
  });
  return { train: takeRows(train, trainRows), test: takeRows(train, testRows) };
}

function assertSameFeatures(train: readonly string[], test: readonly string[]): void {
  const same = train.length === test.length && train.every((name, i) => name === test[i]);
  if (!same) {
    throw new InvalidInputError(
      'INVALID_CSV',
      `the train and test CSVs have different feature columns (train: ${train.join(', ').slice(0, 300)}; test: ${test.join(', ').slice(0, 300)}); give both files the same header`,
    );
  }
}
