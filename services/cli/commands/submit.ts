/** `sweepq submit FILE`: validate a sweep file locally, upload its CSVs, submit; prints the sweep id. */
import { loadConfig } from '../../../shared/config/config.js';
import { SweepqError } from '../../../shared/errors/index.js';
import type { SweepClient, SubmitResult } from '../../../shared/sweep/sweep-client.js';
import { loadSweepFile } from '../../../shared/sweep/load-sweep-file.js';
import { flag, note, printJson, printLine, type Command } from '../command.js';
import { withClient } from '../connect.js';

/**
 * Uploads the datasets a loaded sweep file refers to. The store is content-addressed, so the sha256 the
 * server computes must equal the one the spec was resolved with; a mismatch means corrupted transfer.
 */
export async function uploadSweepFiles(client: SweepClient, files: readonly { role: string; path: string; sha256: string; bytes: Buffer }[]): Promise<void> {
  for (const file of files) {
    const { sha256 } = await client.uploadDataset(file.bytes);
    if (sha256 !== file.sha256) {
      throw new SweepqError('INTERNAL', `uploaded ${file.path} but the store computed sha256 ${sha256}, expected ${file.sha256}`);
    }
  }
}

/** Loads, uploads and submits `path`. */
export async function submitSweepFile(client: SweepClient, path: string): Promise<SubmitResult> {
  const { spec, files } = await loadSweepFile(path);
  await uploadSweepFiles(client, files);
  return client.submit(spec);
}

export const submitCommand: Command = {
  name: 'submit',
  summary: 'submit a sweep file',
  usage: `usage: sweepq submit FILE [--json]

Validates FILE (YAML or JSON), uploads the CSV datasets it names and submits the sweep.
Prints the sweep id on stdout (just the id, for scripts).

  --json   print {"sweepId","name","total"} instead`,
  options: { json: { type: 'boolean' } },
  positionals: [1, 1],
  async run({ positionals, values }) {
    const config = loadConfig();
    const result = await withClient(config, (client) => submitSweepFile(client, positionals[0]!));
    if (flag(values, 'json')) {
      printJson(result);
    } else {
      printLine(result.sweepId);
      note(`submitted ${result.name}: ${result.total} trial${result.total === 1 ? '' : 's'}`);
    }
    return 0;
  },
};
