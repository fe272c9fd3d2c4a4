/**
 * `sweepq predict MODEL.json DATA`: predictions of a saved pipeline for a CSV, gzip CSV or Parquet
 * file. Works offline (no Redis, no API). Columns are matched by name and read with the types they had
 * in training: extra columns (such as the target) are ignored, missing feature columns are an input
 * error listing them. Classifiers print labels (or probabilities with --proba); regressors, values.
 */
import { InvalidInputError } from '../../../shared/errors/index.js';
import { readTable } from '../../../shared/ml/dataset/read-table.js';
import { argmaxRows } from '../../../shared/ml/models/classifier.js';
import { assertEveryRowPredicted } from '../../../shared/serving/unpredicted-rows.js';
import { flag, type Command } from '../command.js';
import { loadPipelineFile } from '../model-source.js';

/** Quotes a CSV header cell when it needs it (RFC 4180). */
function csvCell(text: string): string {
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

export const predictCommand: Command = {
  async run({ positionals, values }) {
    const [modelPath, dataPath] = [positionals[0]!, positionals[1]!];
    const pipeline = await loadPipelineFile(modelPath);
    const data = await readTable(dataPath, { ...pipeline.predictionReadOptions(), source: dataPath });
    if (pipeline.task === 'regression') {
      if (flag(values, 'proba'))
        throw new InvalidInputError('INVALID_ARGUMENT', `${modelPath} is a regression model: it predicts values, not probabilities (drop --proba)`);
      const predicted = pipeline.predictValues(data);
      assertEveryRowPredicted(predicted, 1, dataPath);
      if (flag(values, 'json')) process.stdout.write(`${JSON.stringify({ predictions: Array.from(predicted) })}\n`);
      else {
        const lines: string[] = new Array<string>(predicted.length);
        for (let i = 0; i < predicted.length; i++) lines[i] = String(predicted[i]!);
        process.stdout.write(lines.length === 0 ? '' : `${lines.join('\n')}\n`);
      }
      return 0;
    }
    const proba = pipeline.predictProba(data);
    const classes = pipeline.classes;
    const k = classes.length;
    assertEveryRowPredicted(proba, k, dataPath);
    // The same argmax as Pipeline.predict, without computing the probabilities twice.
    const predicted = argmaxRows(proba, k);
    const n = data.nRows;
    const wantProba = flag(values, 'proba');

    if (flag(values, 'json')) {
      const predictions: string[] = new Array<string>(n);
      for (let i = 0; i < n; i++) predictions[i] = classes[predicted[i]!]!;
      const doc: { predictions: string[]; classes?: string[]; probabilities?: number[][] } = { predictions };
      if (wantProba) {
        doc.classes = classes.slice();
        const rows: number[][] = new Array<number[]>(n);
        for (let i = 0; i < n; i++) rows[i] = Array.from(proba.subarray(i * k, (i + 1) * k));
        doc.probabilities = rows;
      }
      process.stdout.write(`${JSON.stringify(doc)}\n`);
      return 0;
    }

    // One write per block of rows: a line-by-line write per row is slow on large files.
    const lines: string[] = [];
    if (wantProba) {
      const header: string[] = new Array<string>(k);
      for (let c = 0; c < k; c++) header[c] = csvCell(classes[c]!);
      lines.push(header.join(','));
      for (let i = 0; i < n; i++) {
        let line = '';
        for (let c = 0; c < k; c++) line += (c === 0 ? '' : ',') + String(proba[i * k + c]!);
        lines.push(line);
      }
    } else {
      for (let i = 0; i < n; i++) lines.push(classes[predicted[i]!]!);
    }
    process.stdout.write(lines.length === 0 ? '' : `${lines.join('\n')}\n`);
    return 0;
  },
};
