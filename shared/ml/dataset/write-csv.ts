/**
 * A numeric {@link Dataset} as CSV text: features then the target column, numbers in shortest
 * round-trip form (`String(x)`), empty cells for NaN. `parseCsv(datasetToCsv(d), { target })`
 * reproduces `d` exactly.
 */
import type { Dataset } from './dataset.js';

export function datasetToCsv(dataset: Dataset, targetName = 'target'): string {
  const nFeatures = dataset.columns.length;
  let header = '';
  for (let f = 0; f < nFeatures; f++) header += quoteIfNeeded(dataset.featureNames[f]!) + ',';
  header += quoteIfNeeded(targetName);
  const labels: string[] = [];
  for (let k = 0; k < dataset.classes.length; k++) labels.push(quoteIfNeeded(dataset.classes[k]!));
  const lines: string[] = [header];
  for (let i = 0; i < dataset.nRows; i++) {
    let row = '';
    for (let f = 0; f < nFeatures; f++) {
      const v = dataset.columns[f]![i]!;
      // Object.is keeps -0 distinct; String(-0) would print "0".
      row += (Number.isNaN(v) ? '' : Object.is(v, -0) ? '-0' : String(v)) + ',';
    }
    row += labels[dataset.y[i]!]!;
    lines.push(row);
  }
  return lines.join('\n') + '\n';
}

function quoteIfNeeded(value: string): string {
  return /[",\r\n]/.test(value) || value !== value.trim() ? `"${value.replaceAll('"', '""')}"` : value;
}
