/**
 * train_test_split of a typed dataset: the same row selection as `trainTestSplit` (scikit-learn's
 * ShuffleSplit / StratifiedShuffleSplit), stratified by class for classification targets when asked;
 * a regression target cannot be stratified.
 */
import { InvalidInputError } from '../../errors/index.js';
import type { TabularDataset } from './table.js';
import { takeTableRows } from './table.js';
import { trainTestSplit, type TrainTestSplitOptions } from './train-test-split.js';

export function splitTable(data: TabularDataset, options: TrainTestSplitOptions): { train: TabularDataset; test: TabularDataset } {
  const target = data.target;
  let indices;
  if (target.task === 'classification') {
    indices = trainTestSplit(target.y, target.classes.length, options);
  } else {
    if (options.stratify) {
      throw new InvalidInputError('INVALID_SPEC', `split.stratify needs class labels, but "${target.name}" is a regression target; set stratify: false`, {
        location: { path: 'split.stratify' },
      });
    }
    // Row selection does not depend on the labels without stratification.
    indices = trainTestSplit(new Int32Array(data.nRows), 1, options);
  }
  return { train: takeTableRows<TabularDataset>(data, indices.train), test: takeTableRows<TabularDataset>(data, indices.test) };
}
