/** `sweepq submit FILE`: validate a sweep file and its data locally, upload the data files, submit; prints the sweep id. */
import { loadConfig } from '../../../shared/config/config.js';
import { SweepqError } from '../../../shared/errors/index.js';
import type { SweepClient, SubmitResult } from '../../../shared/sweep/sweep-client.js';
import {
  loadAnySweepFile,
  loadSweepFile,
  type LoadedAnySweepFile,
  type LoadedSweepFile,
  type LocalDatasetFile,
} from '../../../shared/sweep/load-sweep-file.js';
import { flag, note, printJson, printLine, type Command } from '../command.js';
import { withClient } from '../connect.js';

/**
 * Uploads the datasets a loaded sweep file refers to. The store is content-addressed, so the sha256 the
 * server computes must equal the one the spec was resolved with; a mismatch means corrupted transfer.
 */
export async function uploadSweepFiles(client: SweepClient, files: readonly LocalDatasetFile[]): Promise<void> {
  for (const file of files) {
    const { sha256 } = await client.uploadDatasetFile(file.absolutePath);
    if (sha256 !== file.sha256) {
      throw new SweepqError('INTERNAL', `uploaded ${file.path} but the store computed sha256 ${sha256}, expected ${file.sha256}`);
    }
  }
}

/**
 * Reads and validates `path` and the data files it names (the server's data checks, run locally),
 * including the trial count against `maxTrials` (this process's SWEEPQ_MAX_TRIALS; the server checks
 * its own limit again). Runs before connecting, so a bad file is refused without touching Redis, the
 * store or the network, and a sweep that would be refused never uploads its datasets first.
 */
export async function validateSweepFile(path: string, maxTrials: number): Promise<LoadedSweepFile> {
  return loadSweepFile(path, { maxTrials });
}

/** Uploads the datasets of a validated sweep file, then submits it (a program sweep has none). */
async function submitLoadedSweepFile(client: SweepClient, loaded: LoadedAnySweepFile): Promise<SubmitResult> {
  if (loaded.kind === 'builtin') await uploadSweepFiles(client, loaded.files);
  else if (loaded.bundle !== null) await client.uploadBundle(loaded.bundle);
  return client.submit(loaded.spec);
}

export const submitCommand: Command = {
  async run({ positionals, values }) {
    const config = loadConfig();
    // Validate first, connect second: bad input must not reach Redis or the store (in direct mode,
    // connecting alone creates the bucket and BullMQ keys) — see test/faults/bad-input-corpus.test.ts.
    const loaded = await loadAnySweepFile(positionals[0]!, { maxTrials: config.limits.maxTrials });
    const json = flag(values, 'json');
    const { result, workers } = await withClient(config, async (client) => {
      const result = await submitLoadedSweepFile(client, loaded);
      // A first submit often has no worker to run it (`sweepq run` starts its own; `submit` does not).
      return { result, workers: json ? undefined : (await client.workers()).length };
    });
    if (json) {
      printJson(result);
    } else {
      printLine(result.sweepId);
      note(`submitted ${result.name}: ${result.total} trial${result.total === 1 ? '' : 's'}`);
      if (workers === 0) {
        note(
          `no worker is running: the trials wait in the queue until one starts (\`sweepq worker${loaded.kind === 'builtin' ? '' : ' --programs'}\` with the same connection), or run a sweep file on this machine with \`sweepq run FILE\``,
        );
      }
    }
    return 0;
  },
};
