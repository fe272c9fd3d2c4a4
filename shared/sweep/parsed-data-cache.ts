/**
 * A dataset's parsed train/test pair kept on local disk beside its file (issue 13 item 5). Every fresh
 * training process used to parse the sweep's CSV itself: ~0.3–0.45 s for 20,000 × 40 full-precision
 * numbers, paid again by each worker that takes a part of a split trial — in parallel, so it never
 * halved and bounded a split trial's speed-up on 2 workers near 1.9× before any other cost. The first
 * process to parse a dataset writes the typed columns (table-file.ts); later ones, on any worker of
 * this machine, read them back in milliseconds.
 *
 * Only content-addressed files are cached (the dataset cache's `<sha256>.<format>` names: their bytes
 * never change under a name), keyed by every read setting, the split and the learner code's hash
 * (shared/ml holds the readers), so a cached pair is exactly what parsing would give. A missing, foreign or damaged cache file is read as a miss; failing to
 * write one only costs the next process a parse.
 *
 * Small data (under 1 MiB) is never written here by a training process, but a submit that has just
 * parsed it for its checks leaves its copy (sweep-context-resolver.ts): a cold training process parses
 * even the example's 1,000 rows in ~60–100 ms of CPU (the parser runs in V8's slow tiers), and reads
 * the copy in ~5–20 ms — on each worker's first trial of `sweepq run` (issue 13 item 3 (a)).
 */
import { createHash } from 'node:crypto';
import { mkdir, stat } from 'node:fs/promises';
import path from 'node:path';
import type { TabularDataset } from '../ml/dataset/table.js';
import { learnerCodeHash } from '../ml/learner-code-hash.js';
import { readTablesFile, writeTablesFile } from '../ml/dataset/table-file.js';
import type { DatasetRef } from '../schemas/sweep-context.schema.js';
import { loadTrainTest, type DataReadSpec, type SweepDataFiles } from './sweep-data.js';
import { writeViaTemp } from './write-via-temp.js';

/**
 * Data files smaller than this (together) parse in a few milliseconds: they are not cached, so a small
 * sweep's trials never pay for creating files (which can cost more than the parse on a busy disk).
 */
const CACHED_BYTES = 1 << 20;

async function bytesOf(files: SweepDataFiles): Promise<number> {
  const [train, test] = await Promise.all([stat(files.train), files.test === null ? null : stat(files.test)]);
  return train.size + (test?.size ?? 0);
}

/** The dataset cache's file names (dataset-cache.ts): the content's sha256 and the format. */
const CONTENT_ADDRESSED = /^([0-9a-f]{64})\.[a-z0-9.]+$/;

/** Where the parsed pair of these files and settings is kept, or null when the files are not content-addressed. */
export function parsedDataPath(read: DataReadSpec, split: DatasetRef['split'], files: SweepDataFiles): string | null {
  const train = CONTENT_ADDRESSED.exec(path.basename(files.train));
  const test = files.test === null ? null : CONTENT_ADDRESSED.exec(path.basename(files.test));
  if (train === null || (files.test !== null && test === null)) return null;
  // The reader's code is part of the key: a release that parses differently never reads an old copy.
  const settings = JSON.stringify([learnerCodeHash(), path.basename(files.train), files.test === null ? null : path.basename(files.test), read, split]);
  const key = createHash('sha256').update(settings).digest('hex').slice(0, 24);
  return path.join(path.dirname(files.train), `${train[1]!.slice(0, 16)}.parsed-${key}.table`);
}

/**
 * loadTrainTest, read from the parsed copy when one is cached and cached when it is not.
 * @param minBytes data files smaller than this together are parsed, never cached (default 1 MiB);
 *   a copy left for them by the submit is read all the same.
 */
export async function loadTrainTestCached(
  read: DataReadSpec,
  split: DatasetRef['split'],
  files: SweepDataFiles,
  minBytes = CACHED_BYTES,
): Promise<{ train: TabularDataset; test: TabularDataset }> {
  const cached = parsedDataPath(read, split, files);
  if (cached === null) return loadTrainTest(read, split, files);
  const tables = await readTablesFile(cached).catch(() => null);
  if (tables !== null && tables.length === 2) return { train: tables[0]!, test: tables[1]! };
  const data = await loadTrainTest(read, split, files);
  if ((await bytesOf(files)) >= minBytes) writeParsedCopy(cached, data);
  return data;
}

/**
 * Leaves the parsed pair of `files` (content-addressed names; they need not exist yet) for the
 * training processes that will read them with these settings. Failing only costs them a parse.
 */
export async function keepParsedData(
  read: DataReadSpec,
  split: DatasetRef['split'],
  files: SweepDataFiles,
  data: { train: TabularDataset; test: TabularDataset },
): Promise<void> {
  const cached = parsedDataPath(read, split, files);
  if (cached === null) return;
  await mkdir(path.dirname(cached), { recursive: true }).catch(() => undefined);
  writeParsedCopy(cached, data);
}

function writeParsedCopy(cached: string, data: { train: TabularDataset; test: TabularDataset }): void {
  writeViaTemp(cached, (temp) => writeTablesFile(temp, [data.train, data.test]));
}
