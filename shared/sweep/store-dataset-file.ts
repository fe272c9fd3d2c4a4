/**
 * Stores a local data file (CSV, gzip CSV or Parquet) in the object store, streamed: hashed and copied
 * without being held in memory. Content-addressed and idempotent. Shared by the sweep service's upload
 * and by a context prepared before the service exists (sweep-context-preparation.ts).
 */
import { stat } from 'node:fs/promises';
import { InvalidInputError } from '../errors/index.js';
import { detectFileFormat } from '../ml/dataset/read-table.js';
import { datasetKey, type DatasetFormat } from '../schemas/sweep-context.schema.js';
import type { ObjectStore } from '../store/index.js';
import { sha256OfFile } from './dataset-cache.js';

/** The content type each stored dataset format is written with. */
const CONTENT_TYPES: Readonly<Record<DatasetFormat, string>> = {
  csv: 'text/csv',
  'csv.gz': 'application/gzip',
  parquet: 'application/vnd.apache.parquet',
};

/** @throws InvalidInputError INVALID_CSV for an empty file. */
export async function storeDatasetFile(store: ObjectStore, file: string): Promise<{ sha256: string; format: DatasetFormat }> {
  const size = (await stat(file)).size;
  if (size === 0) throw new InvalidInputError('INVALID_CSV', `${file}: the dataset is empty; give a file with a header row`);
  return storeHashedDatasetFile(store, file, await sha256OfFile(file));
}

/** Stores a non-empty data file whose sha256 is known (an upload hashed as it streamed in) under its content key. */
export async function storeHashedDatasetFile(store: ObjectStore, file: string, sha256: string): Promise<{ sha256: string; format: DatasetFormat }> {
  const format = await detectFileFormat(file);
  const key = datasetKey(sha256, format);
  if (!(await store.exists(key))) await store.putFile(key, file, { contentType: CONTENT_TYPES[format] });
  return { sha256, format };
}
