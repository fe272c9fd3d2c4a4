/**
 * The `sweepq` command line as a user meets it: usage errors, exit codes (2 = bad input, 1 = other
 * failures), messages on stderr, and `predict` on a real saved pipeline. Runs the built CLI
 * (`node bin/sweepq.js`) in a child process with a clean environment.
 */
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { createServer, type AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { pino } from 'pino';
import { loadConfig } from '../../../shared/config/config.js';
import { SweepqError } from '../../../shared/errors/index.js';
import { parseCsv } from '../../../shared/ml/dataset/read-csv.js';
import { Pipeline } from '../../../shared/ml/pipeline.js';
import type { SweepClient } from '../../../shared/sweep/sweep-client.js';
import { buildApp } from '../../../services/scheduler/app.js';

const BIN = path.resolve(process.cwd(), 'bin/sweepq.js');
const FIXTURES = path.resolve(process.cwd(), 'test/fixtures');

interface Result {
  code: number;
  stdout: string;
  stderr: string;
}

let stateDir: string;

/** Runs the CLI asynchronously (the test process may be serving the API the CLI talks to). */
function sweepq(args: string[], env: Record<string, string> = {}): Promise<Result> {
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      [BIN, ...args],
      { env: { PATH: process.env.PATH ?? '', HOME: os.tmpdir(), SWEEPQ_STATE_DIR: stateDir, NODE_ENV: 'production', ...env }, timeout: 30_000 },
      (error, stdout, stderr) => {
        const code = error === null ? 0 : typeof error.code === 'number' ? error.code : -1;
        resolve({ code, stdout, stderr });
      },
    );
  });
}

before(async () => {
  stateDir = await mkdtemp(path.join(os.tmpdir(), 'sweepq-cli-test-'));
});
after(async () => {
  await rm(stateDir, { recursive: true, force: true });
});

describe('sweepq command line', () => {
  const usageErrors: [string, string[], RegExp][] = [
    ['no command', [], /missing command/],
    ['an unknown command', ['frobnicate'], /unknown command 'frobnicate'/],
    ['a misspelt command, suggesting the right one', ['stauts', 's-abc123def'], /unknown command 'stauts'\n\(Did you mean status\?\)/],
    ['an unknown flag', ['status', '--bogus', 's-abc123def'], /unknown option '--bogus'/],
    ['a misspelt flag, suggesting the right one', ['trials', 's-abc123def', '--lmit', '3'], /unknown option '--lmit'\n\(Did you mean --limit\?\)/],
    ['a missing argument', ['status'], /missing required argument 'id'/],
    ['an extra argument', ['status', 's-abc123def', 'extra'], /too many arguments for 'status'/],
    ['a string for a boolean flag', ['status', '--json=yes', 's-abc123def'], /--json/],
    ['a missing option value', ['trials', 's-abc123def', '--limit'], /--limit/],
  ];
  for (const [label, args, message] of usageErrors) {
    it(`exits 2 with the usage on stderr for ${label}`, async () => {
      const result = await sweepq(args);
      assert.equal(result.code, 2, result.stderr);
      assert.match(result.stderr, message);
      assert.match(result.stderr, /sweepq --help|Usage: sweepq/);
      assert.equal(result.stdout, '');
    });
  }

  const badValues: [string, string[], RegExp][] = [
    ['a malformed sweep id', ['status', '../../etc/passwd'], /not a sweep id/],
    ['a limit out of range', ['trials', 's-abc123def', '--limit', '0'], /--limit must be between 1 and 1000/],
    ['a non-numeric limit', ['trials', 's-abc123def', '--limit', 'ten'], /--limit must be an integer/],
    ['an unknown trial status', ['trials', 's-abc123def', '--status', 'done'], /--status must be one of/],
    ['a non-numeric worker count', ['run', 'x.yaml', '--workers', 'many'], /--workers must be an integer/],
    // Checked before anything runs: a whole sweep is not trained to be refused at the end.
    [
      'an existing --out file without --force',
      ['run', 'x.yaml', '--out', path.resolve('package.json')],
      /package\.json already exists: add --force to overwrite it/,
    ],
  ];
  for (const [label, args, message] of badValues) {
    it(`exits 2 for ${label}`, async () => {
      const result = await sweepq(args);
      assert.equal(result.code, 2, result.stderr);
      assert.match(result.stderr, /^sweepq: /);
      assert.match(result.stderr, message);
    });
  }

  it('prints the command list for --help and per-command help, exit 0', async () => {
    const top = await sweepq(['--help']);
    assert.equal(top.code, 0);
    for (const name of [
      'run',
      'submit',
      'status',
      'watch',
      'trials',
      'sweeps',
      'experiments',
      'best',
      'predict',
      'cancel',
      'retry',
      'extend',
      'workers',
      'server',
      'worker',
    ]) {
      assert.match(top.stdout, new RegExp(`\\n  ${name} `));
      const help = await sweepq([name, '--help']);
      assert.equal(help.code, 0, `${name}: ${help.stderr}`);
      assert.match(help.stdout, new RegExp(`^Usage: sweepq ${name} `));
    }
    const version = await sweepq(['--version']);
    assert.equal(version.code, 0);
    assert.match(version.stdout, /^\d+\.\d+\.\d+\n$/);
  });

  it('opens the local state folder when neither SWEEPQ_API_URL nor REDIS_URL is set, and leaves nothing running', async () => {
    const result = await sweepq(['sweeps', '--json']);
    assert.equal(result.code, 0, result.stderr);
    assert.deepEqual(JSON.parse(result.stdout), { sweeps: [] });
    const missing = await sweepq(['status', 's-abc123def']);
    assert.equal(missing.code, 2, 'a sweep id that does not exist is a wrong argument');
    assert.match(
      missing.stderr,
      /sweep s-abc123def does not exist \(looked in the state folder \/\S+: run sweepq in the folder where `sweepq run` ran, or set SWEEPQ_STATE_DIR/,
    );
    await assert.rejects(readFile(path.join(stateDir, 'owner.json')), { code: 'ENOENT' }, 'the command released the folder it owned');
    const submitted = await sweepq(['submit', path.resolve('sweeps/loan-default.yaml')]);
    assert.equal(submitted.code, 0, submitted.stderr);
    assert.match(submitted.stdout, /^s-[a-z0-9]+\n$/);
    assert.match(submitted.stderr, /^no worker is running: the trials wait in the queue until one starts \(`sweepq worker` with the same connection\)/m);
  });

  it('runs the example sweep on the local default, then lists it and answers an OR filter exactly (issue 7)', async () => {
    const env = { SWEEPQ_STATE_DIR: await mkdtemp(path.join(os.tmpdir(), 'sweepq-cli-local-')) };
    try {
      const run = await sweepq(['run', path.resolve('sweeps/loan-default.yaml')], env);
      assert.equal(run.code, 0, run.stderr);
      const listed = JSON.parse((await sweepq(['sweeps', '--json'], env)).stdout) as { sweeps: Array<{ id: string; name: string; state: string }> };
      assert.deepEqual(
        listed.sweeps.map((s) => [s.name, s.state]),
        [['loan_default_predictor', 'completed']],
      );
      const id = listed.sweeps[0]!.id;
      type Row = { name: string; params: Record<string, unknown>; metrics: Record<string, number | null> };
      const trials = async (...args: string[]): Promise<string[]> => {
        const result = await sweepq(['trials', id, '--json', '--limit', '100', ...args], env);
        assert.equal(result.code, 0, result.stderr);
        return (JSON.parse(result.stdout) as { trials: Row[] }).trials.map((t) => t.name);
      };
      const all = JSON.parse((await sweepq(['trials', id, '--json', '--limit', '100'], env)).stdout) as { trials: Row[] };
      const expected = all.trials.filter((t) => (t.metrics.auc_roc ?? -1) > 0.95 || t.params.max_depth === 5).map((t) => t.name);
      assert.ok(expected.length > 0 && expected.length < all.trials.length, `a filter that splits the trials: ${expected.join(', ')}`);
      assert.deepEqual((await trials('--filter', 'metrics.auc_roc > 0.95 or params.max_depth = 5')).sort(), expected.sort());
      const misnamed = await sweepq(['trials', id, '--filter', 'metrics.auc > 0.9 or params.max_dpth = 5'], env);
      assert.equal(misnamed.code, 0, misnamed.stderr);
      assert.equal(misnamed.stdout, 'no trials match (total 0)\n');
      assert.match(misnamed.stderr, /^no trial has metrics\.auc \(did you mean metrics\.auc_roc\?\); metrics: accuracy, auc_roc, /m);
      assert.match(
        misnamed.stderr,
        /^no trial has params\.max_dpth \(did you mean params\.max_depth\?\); params: C, learning_rate, max_depth, max_iter, n_estimators/m,
      );
      const misspelt = await sweepq(['experiments', '--trials', 'loan_default_predicter'], env);
      assert.equal(misspelt.code, 2, misspelt.stderr);
      assert.match(misspelt.stderr, /^sweepq: experiment "loan_default_predicter" has no sweeps \(did you mean "loan_default_predictor"\?\)/);
      const malformed = await sweepq(['trials', id, '--filter', 'metrics.auc_roc >> 0.9'], env);
      assert.equal(malformed.code, 2);
      assert.match(malformed.stderr, /column 17: unexpected '>>'/);
    } finally {
      await rm(env.SWEEPQ_STATE_DIR, { recursive: true, force: true });
    }
  });

  it('exits 2 for an invalid environment, naming the variable', async () => {
    const result = await sweepq(['status', 's-abc123def'], { SWEEPQ_API_URL: 'ftp://x' });
    assert.equal(result.code, 2);
    assert.match(result.stderr, /SWEEPQ_API_URL/);
  });

  it('exits 1 when the API cannot be reached', async () => {
    const result = await sweepq(['status', 's-abc123def'], { SWEEPQ_API_URL: 'http://127.0.0.1:1' });
    assert.equal(result.code, 1);
    assert.match(result.stderr, /cannot reach the sweepq API/);
  });

  it('refuses run --out into a folder that does not exist before training anything', async () => {
    const out = path.join(stateDir, 'no-such-folder', 'best.json');
    const result = await sweepq(['run', path.resolve('sweeps/loan-default.yaml'), '--out', out], { SWEEPQ_API_URL: 'http://127.0.0.1:1' });
    assert.equal(result.code, 2, result.stderr);
    assert.equal(result.stderr, `sweepq: cannot write ${out}: the folder ${path.dirname(out)} does not exist (create it or choose another path)\n`);
  });

  it('exits 2 for a sweep file that does not exist', async () => {
    const result = await sweepq(['submit', path.join(stateDir, 'missing.yaml')], { SWEEPQ_API_URL: 'http://127.0.0.1:1' });
    assert.equal(result.code, 2, result.stderr);
    assert.match(result.stderr, /missing\.yaml/);
  });

  it('exits 2 for an invalid sweep file, with the reason on stderr, before starting anything', async () => {
    const file = path.join(stateDir, 'bad.yaml');
    await writeFile(file, 'name: demo\nsearch:\n  method: grid\n  space: [1, 2\n');
    for (const args of [
      ['submit', file],
      ['run', file, '--workers', '1'],
    ]) {
      const result = await sweepq(args, { SWEEPQ_API_URL: 'http://127.0.0.1:1' });
      assert.equal(result.code, 2, `${args[0]}: ${result.stderr}`);
      assert.match(result.stderr, /^sweepq: /);
      assert.match(result.stderr, /bad\.yaml/);
      assert.equal(result.stdout, '');
    }
  });
});

describe('sweepq through the HTTP API', () => {
  const TOKEN = 'cli-test-token-0123456789';
  let url: string;
  let close: () => Promise<void>;
  const failing = (error: SweepqError) => async (): Promise<never> => {
    throw error;
  };

  before(async () => {
    const service: SweepClient = {
      uploadDatasetStream: failing(new SweepqError('INTERNAL', 'unused')),
      uploadDatasetFile: failing(new SweepqError('INTERNAL', 'unused')),
      uploadBundle: failing(new SweepqError('INTERNAL', 'unused')),
      submit: failing(new SweepqError('INTERNAL', 'unused')),
      extend: failing(new SweepqError('INTERNAL', 'unused')),
      listSweeps: async () => [],
      listExperiments: async () => [],
      experimentTrials: failing(new SweepqError('NOT_FOUND', 'experiment "x" has no sweeps')),
      workers: async () => [],
      status: failing(new SweepqError('NOT_FOUND', 'sweep s-abc123def does not exist')),
      trials: failing(new SweepqError('INVALID_ARGUMENT', 'unknown metric "bogus"')),
      best: failing(new SweepqError('NOT_FOUND', 'no completed trial')),
      artifact: failing(new SweepqError('NOT_FOUND', 'no artefact')),
      cancel: failing(new SweepqError('NOT_FOUND', 'no sweep')),
      retry: async () => ({ requeued: 3 }),
      delete: failing(new SweepqError('CONFLICT', 'sweep s-abc123def is running with 2 trial(s) queued or running: cancel it first')),
      tag: failing(new SweepqError('NOT_FOUND', 'no sweep')),
      close: async () => {},
    };
    const app = buildApp({ service, config: loadConfig({ SWEEPQ_API_TOKEN: TOKEN }), logger: pino({ level: 'silent' }) });
    url = await app.listen({ port: 0, host: '127.0.0.1' });
    close = () => app.close();
  });
  after(async () => {
    await close();
  });

  it('exits 2 for an INVALID_* answer of the API, with its message', async () => {
    const result = await sweepq(['trials', 's-abc123def', '--sort', 'bogus'], { SWEEPQ_API_URL: url });
    assert.equal(result.code, 2);
    assert.equal(result.stderr, 'sweepq: unknown metric "bogus"\n');
  });

  it('exits 2 for NOT_FOUND (a sweep id that does not exist is a wrong argument)', async () => {
    const result = await sweepq(['status', 's-abc123def'], { SWEEPQ_API_URL: url });
    assert.equal(result.code, 2);
    assert.match(result.stderr, /does not exist/);
  });

  it('exits 1 with a generic message when the token is wrong, and succeeds with the right one', async () => {
    const denied = await sweepq(['retry', 's-abc123def'], { SWEEPQ_API_URL: url, SWEEPQ_API_TOKEN: 'wrong-token-0123456789' });
    assert.equal(denied.code, 1);
    assert.equal(denied.stderr, 'sweepq: missing or invalid bearer token\n');
    const ok = await sweepq(['retry', 's-abc123def', '--json'], { SWEEPQ_API_URL: url, SWEEPQ_API_TOKEN: TOKEN });
    assert.equal(ok.code, 0, ok.stderr);
    assert.deepEqual(JSON.parse(ok.stdout), { requeued: 3 });
  });

  it('prints exactly one JSON document for --json', async () => {
    const result = await sweepq(['sweeps', '--json'], { SWEEPQ_API_URL: url });
    assert.equal(result.code, 0, result.stderr);
    assert.deepEqual(JSON.parse(result.stdout), { sweeps: [] });
  });
});

describe('sweepq predict', () => {
  let modelPath: string;
  let classes: readonly string[];
  const testCsv = path.join(FIXTURES, 'loan_default.test.csv');

  before(async () => {
    const train = parseCsv(await readFile(path.join(FIXTURES, 'loan_default.train.csv'), 'utf8'), { target: 'target' });
    const pipeline = Pipeline.create({ imputer: { strategy: 'mean', fill_value: 0 }, scaler: 'standard' }, 'logistic_regression', {}, 1).fit(train);
    classes = pipeline.classes;
    modelPath = path.join(stateDir, 'model.json');
    await writeFile(modelPath, JSON.stringify(pipeline.toJSON()));
  });

  it('prints one class label per row, ignoring the target column', async () => {
    const result = await sweepq(['predict', modelPath, testCsv]);
    assert.equal(result.code, 0, result.stderr);
    const lines = result.stdout.trimEnd().split('\n');
    assert.equal(lines.length, 200);
    for (const line of lines) assert.ok(classes.includes(line), line);
  });

  it('prints probabilities as CSV with the class labels as header', async () => {
    const result = await sweepq(['predict', modelPath, testCsv, '--proba']);
    assert.equal(result.code, 0, result.stderr);
    const lines = result.stdout.trimEnd().split('\n');
    assert.equal(lines[0], classes.join(','));
    assert.equal(lines.length, 201);
    const row = lines[1]!.split(',').map(Number);
    assert.ok(Math.abs(row.reduce((a, b) => a + b, 0) - 1) < 1e-9);
  });

  it('prints one JSON document with --json --proba', async () => {
    const result = await sweepq(['predict', modelPath, testCsv, '--json', '--proba']);
    assert.equal(result.code, 0, result.stderr);
    const doc = JSON.parse(result.stdout) as { predictions: string[]; probabilities: number[][] };
    assert.equal(doc.predictions.length, 200);
    assert.equal(doc.probabilities.length, 200);
    assert.equal(doc.probabilities[0]!.length, classes.length);
  });

  it('exits 2 listing the feature columns the data lacks', async () => {
    const text = await readFile(testCsv, 'utf8');
    const dropped = text
      .split('\n')
      .map((line) => line.split(',').slice(2).join(','))
      .join('\n');
    const file = path.join(stateDir, 'partial.csv');
    await writeFile(file, dropped);
    const result = await sweepq(['predict', modelPath, file]);
    assert.equal(result.code, 2);
    assert.match(result.stderr, /feature_0, feature_1/);
  });

  it('exits 2 naming the columns the model wants when the data file has none of them, and says which argument is the model when they are swapped', async () => {
    const other = path.join(stateDir, 'other-data.csv');
    await writeFile(other, 'species,island\nAdelie,Biscoe\n');
    const wrongData = await sweepq(['predict', modelPath, other]);
    assert.equal(wrongData.code, 2);
    assert.match(
      wrongData.stderr,
      /none of the 15 column\(s\) the model was trained on is in this file \(the model's: feature_0, feature_1, .*; this file's: species, island\)/,
    );
    const swapped = await sweepq(['predict', testCsv, modelPath]);
    assert.equal(swapped.code, 2);
    assert.match(swapped.stderr, /not a JSON file .*; a model is the \.json file `sweepq run` or `sweepq best --out` saved/);
  });

  it('exits 2 naming the rows a model without an imputer cannot predict (missing values), instead of printing NaN', async () => {
    const text = await readFile(path.join(FIXTURES, 'loan_default.train.csv'), 'utf8');
    const complete = text
      .split('\n')
      .filter((line) => !line.includes(',,') && !line.startsWith(','))
      .join('\n');
    const pipeline = Pipeline.create({ imputer: null, scaler: 'standard' }, 'logistic_regression', {}, 1).fit(parseCsv(complete, { target: 'target' }));
    const file = path.join(stateDir, 'no-imputer.json');
    await writeFile(file, JSON.stringify(pipeline.toJSON()));
    const result = await sweepq(['predict', file, testCsv, '--proba']);
    assert.equal(result.code, 2, result.stderr);
    assert.equal(result.stdout, '');
    assert.match(
      result.stderr,
      /loan_default\.test\.csv: the model cannot predict 13 row\(s\), data row\(s\) 25, 40, .*: they have missing values its pipeline has no imputer for/,
    );
  });

  it('exits 2 naming the folder when an output path is in a folder that does not exist', async () => {
    const out = path.join(stateDir, 'no-such-folder', 'model.onnx');
    const result = await sweepq(['export', modelPath, '--format', 'onnx', '--out', out]);
    assert.equal(result.code, 2, result.stderr);
    assert.equal(result.stderr, `sweepq: cannot write ${out}: the folder ${path.dirname(out)} does not exist (create it or choose another path)\n`);
  });

  it('exits 2 naming the port when serve is given one that is taken', async () => {
    const taken = createServer();
    await new Promise<void>((resolve) => taken.listen(0, '127.0.0.1', resolve));
    try {
      const port = (taken.address() as AddressInfo).port;
      const result = await sweepq(['serve', modelPath, '--port', String(port)]);
      assert.equal(result.code, 2, result.stderr);
      assert.match(
        result.stderr,
        new RegExp(`^sweepq: 127\\.0\\.0\\.1:${port} is already in use \\(another server on that port\\?\\): choose another with --port, or --port 0`, 'm'),
      );
    } finally {
      await new Promise<void>((resolve) => taken.close(() => resolve()));
    }
  });

  const badModels: [string, string][] = [
    ['not JSON', '{"format":'],
    ['not a pipeline', '{"hello":"world"}'],
  ];
  for (const [label, content] of badModels) {
    it(`exits 2 for a model file that is ${label}`, async () => {
      const file = path.join(stateDir, `bad-${label.replace(/\W+/g, '-')}.json`);
      await writeFile(file, content);
      const result = await sweepq(['predict', file, testCsv]);
      assert.equal(result.code, 2, result.stderr);
      assert.match(result.stderr, /^sweepq: /);
    });
  }

  it('exits 2 for a model file that does not exist', async () => {
    const result = await sweepq(['predict', path.join(stateDir, 'nope.json'), testCsv]);
    assert.equal(result.code, 2);
    assert.match(result.stderr, /nope\.json: no such file or directory/);
  });
});
