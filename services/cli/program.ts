/**
 * The `sweepq` command line, declared once with commander: every command's arguments, options and
 * help text live here, and its action loads the command's module on demand (so `sweepq predict` never
 * loads Redis or BullMQ). Usage mistakes — unknown command or option (with "did you mean"), missing or
 * extra argument — exit 2; `--help` and `--version` exit 0.
 */
import { createRequire } from 'node:module';
import os from 'node:os';
import { Command as Commander, CommanderError, Option } from 'commander';
import type { Command, OptionValues } from './command.js';

/** How a command module is found and run: `./commands/<module>.js` exporting `<exportName>`. */
type Loader = () => Promise<Command>;

interface CommandDeclaration {
  name: string;
  args: string[];
  summary: string;
  description?: string;
  options: Array<Option | [flags: string, description: string]>;
  load: Loader;
}

const JSON_FLAG: [string, string] = ['--json', 'print one JSON document on stdout'];
/** Every command that writes a file the user names refuses an existing one without it. */
const FORCE_FLAG: [string, string] = ['--force', 'overwrite the --out file when it exists'];
const QUERY_OPTIONS: Array<[string, string]> = [
  ['--filter <expr>', 'filter, e.g. "metrics.auc_roc > 0.9 or params.max_depth = 5" (MLflow\'s filter_string plus OR and parentheses)'],
  ['--order-by <keys>', 'order keys, comma-separated, e.g. "metrics.auc_roc DESC, params.max_depth" (a metric without ASC/DESC takes its own direction)'],
  ['--sort <metric>', 'best first by this metric (its direction in the sweep)'],
  ['--status <status>', 'only trials in this status (queued, active, completed, failed, cancelled, pruned, quarantined)'],
  ['--limit <n>', 'at most N trials (1..1000, default 100)'],
  ['--offset <n>', 'skip the first N'],
];

/** Where `export` and `serve` take their model from when no MODEL file is given. */
const MODEL_OPTIONS: Array<[string, string]> = [
  ['--sweep <id>', "use a sweep's best trial (by its objective, or --metric) instead of a MODEL file"],
  ['--trial <trial>', 'with --sweep: this trial (its id, or its index) instead of the best'],
  ['--metric <m>', "with --sweep: the best trial by metric M instead of the sweep's objective"],
];

/** Every command, in the order `sweepq --help` lists them. */
const COMMANDS: CommandDeclaration[] = [
  {
    name: 'run',
    args: ['<file>'],
    summary: 'run a sweep locally: embedded Redis + worker processes, then the leaderboard',
    description:
      'Runs the sweep in FILE on this machine: opens the state folder (starting its Redis unless REDIS_URL is set), starts N worker processes, shows progress on stderr, prints the leaderboard and saves the best model. Exits 0 when at least one trial completed, 1 when none did, 130 on Ctrl-C.',
    options: [
      ['--workers <n>', `worker processes (default: number of CPUs, ${os.availableParallelism()} here)`],
      ['--out <file>', 'where to save the best model (default: <state dir>/best-<sweep id>.json)'],
      FORCE_FLAG,
      ['--ui', 'serve the dashboard while the sweep runs and print its login link'],
      JSON_FLAG,
    ],
    load: async () => (await import('./commands/run.js')).runCommand,
  },
  {
    name: 'submit',
    args: ['<file>'],
    summary: 'submit a sweep; prints the sweep id',
    options: [JSON_FLAG],
    load: async () => (await import('./commands/submit.js')).submitCommand,
  },
  {
    name: 'status',
    args: ['<id>'],
    summary: 'progress, ETA, best trial and workers of a sweep',
    options: [JSON_FLAG],
    load: async () => (await import('./commands/status.js')).statusCommand,
  },
  {
    name: 'watch',
    args: ['<id>'],
    summary: 'live progress until the sweep finishes',
    options: [['--interval <ms>', 'poll interval, default 1000 (100..60000)']],
    load: async () => (await import('./commands/watch.js')).watchCommand,
  },
  {
    name: 'trials',
    args: ['<id>'],
    summary: 'query the trials of a sweep (filter, order, paging); sweepq compare shows a few side by side',
    options: [...QUERY_OPTIONS, JSON_FLAG],
    load: async () => (await import('./commands/trials.js')).trialsCommand,
  },
  {
    name: 'compare',
    args: ['<sweep>', '<trials...>'],
    summary: 'compare 2-10 trials of a sweep side by side: params that differ, metrics (best marked), CV folds, timings',
    description:
      "Shows the trials side by side, one column each: the params (and model) that differ, then the ones equal in all; every metric with the best value among the completed trials marked * (in the metric's direction in the sweep); each CV fold's score; fit, CV, eval and wall-clock times. A pruned trial's CV scores are labelled with the rung they were measured at. TRIALS are indexes (0 3 7), trial ids (s-…-t3) or trial names, as `sweepq trials` lists them.",
    options: [JSON_FLAG],
    load: async () => (await import('./commands/compare.js')).compareCommand,
  },
  {
    name: 'trial',
    args: ['<trial>'],
    summary: "one trial in full (a program trial's exit, reported history and stdout/stderr tails)",
    options: [JSON_FLAG],
    load: async () => (await import('./commands/trial.js')).trialCommand,
  },
  {
    name: 'sweeps',
    args: [],
    summary: 'list sweeps, newest first',
    options: [
      ['--experiment <name>', 'only sweeps of this experiment'],
      ['--limit <n>', 'at most N sweeps (1..1000)'],
      ['--offset <n>', 'skip the first N'],
      JSON_FLAG,
    ],
    load: async () => (await import('./commands/sweeps.js')).sweepsCommand,
  },
  {
    name: 'experiments',
    args: [],
    summary: 'list experiments, or query the trials of every sweep of one',
    options: [['--trials <name>', "list this experiment's trials (with the query options)"], ...QUERY_OPTIONS, JSON_FLAG],
    load: async () => (await import('./commands/experiments.js')).experimentsCommand,
  },
  {
    name: 'best',
    args: ['<id>'],
    summary: 'the best trial; --out saves its fitted model',
    options: [
      ['--metric <m>', "rank by metric M instead of the sweep's objective"],
      ['--out <file>', "save the best trial's fitted pipeline (for sweepq predict)"],
      FORCE_FLAG,
      JSON_FLAG,
    ],
    load: async () => (await import('./commands/best.js')).bestCommand,
  },
  {
    name: 'report',
    args: ['<metric>', '<value>'],
    summary: 'report a metric value of the program trial this runs in (to its worker, over a local socket)',
    options: [['--step <n>', 'step of an intermediate value (epoch, iteration)']],
    load: async () => (await import('./commands/report.js')).reportCommand,
  },
  {
    name: 'predict',
    args: ['<model>', '<data>'],
    summary: 'predict with a saved model (needs no Redis)',
    options: [['--proba', 'print class probabilities'], JSON_FLAG],
    load: async () => (await import('./commands/predict.js')).predictCommand,
  },
  {
    name: 'export',
    args: ['[model]'],
    summary: 'export a model as ONNX or as an MLflow model directory',
    description:
      "Writes the saved pipeline MODEL (or a sweep's best trial, with --sweep) as an ONNX file (--format onnx: inputs one per column, outputs label and probability_<class>, or prediction) or as an MLflow Model directory (--format mlflow: MLmodel, model.onnx, requirements; load it with mlflow.pyfunc.load_model or serve it with mlflow models serve).",
    options: [
      new Option('--format <format>', 'onnx (one .onnx file) or mlflow (an MLflow Model directory)').choices(['onnx', 'mlflow']).makeOptionMandatory(),
      ['--out <path>', 'where to write (default: beside MODEL, or here for --sweep: <name>.onnx or <name>-mlflow/)'],
      ['--force', 'overwrite an existing ONNX file, or replace an existing MLflow model directory'],
      ...MODEL_OPTIONS,
      JSON_FLAG,
    ],
    load: async () => (await import('./commands/export.js')).exportCommand,
  },
  {
    name: 'serve',
    args: ['[model]'],
    summary: "serve a model over HTTP with MLflow's scoring API (POST /invocations)",
    description:
      'Scores requests with the saved pipeline MODEL (or a sweep\'s best trial, with --sweep) until SIGTERM or Ctrl-C: POST /invocations takes JSON (dataframe_split, dataframe_records, instances, inputs; "params": {"proba": true} for probabilities) or text/csv and answers {"predictions": [...]}, as `mlflow models serve` does; GET /ping, /health and /version.',
    options: [
      ...MODEL_OPTIONS,
      ['--port <port>', 'port (default 8081; 0 = any free port)'],
      ['--host <host>', 'interface (default 127.0.0.1; 0.0.0.0 for every interface: the server has no authentication)'],
      ['--max-rows <n>', 'most rows per request (default SWEEPQ_PREDICT_MAX_ROWS, 100000)'],
    ],
    load: async () => (await import('./commands/serve.js')).serveCommand,
  },
  {
    name: 'cancel',
    args: ['<id>'],
    summary: 'cancel queued and running trials',
    options: [JSON_FLAG],
    load: async () => (await import('./commands/cancel.js')).cancelCommand,
  },
  {
    name: 'retry',
    args: ['<id>'],
    summary: 're-queue failed, cancelled and quarantined trials',
    options: [JSON_FLAG],
    load: async () => (await import('./commands/retry.js')).retryCommand,
  },
  {
    name: 'delete',
    args: ['<id>'],
    summary: 'delete a finished or cancelled sweep (jobs, artefacts, records)',
    description:
      'Refused while trials are queued or running: cancel the sweep first. Datasets stay (they are shared between sweeps). SWEEPQ_RETENTION_DAYS deletes old sweeps automatically on a server.',
    options: [JSON_FLAG],
    load: async () => (await import('./commands/delete.js')).deleteCommand,
  },
  {
    name: 'extend',
    args: ['<id>', '<file>'],
    summary: 'add the trials of FILE to a sweep',
    options: [JSON_FLAG],
    load: async () => (await import('./commands/extend.js')).extendCommand,
  },
  {
    name: 'tag',
    args: ['<id>', '[tags...]'],
    summary: 'set or remove tags and the note of a sweep or trial; prints its tags',
    description:
      "Tags of the sweep or trial ID (a sweep id s-…, or a trial id s-…-t<index>): KEY=VALUE arguments set tags, --remove drops some, --note sets the note (MLflow's mlflow.note.content). Tags are filterable as tags.KEY and shown to MLflow clients as run tags. Prints every tag the sweep or trial then has.",
    options: [['--remove <keys>', 'tags to remove, comma-separated'], ['--note <text>', 'set the note'], ['--clear-note', 'remove the note'], JSON_FLAG],
    load: async () => (await import('./commands/tag.js')).tagCommand,
  },
  {
    name: 'workers',
    args: [],
    summary: 'live workers and what they train',
    options: [JSON_FLAG],
    load: async () => (await import('./commands/workers.js')).workersCommand,
  },
  {
    name: 'server',
    args: [],
    summary: 'run the scheduler API (on REDIS_URL, or the local state folder)',
    description:
      'Serves the HTTP API until SIGTERM or Ctrl-C. Without REDIS_URL it opens the local state folder (attaching to a running `sweepq run`, or starting its Redis).',
    options: [
      ['--port <port>', 'port (default PORT, 8080; 0 = any free port)'],
      ['--host <host>', 'interface (default HOST, 127.0.0.1)'],
    ],
    load: async () => (await import('./commands/server.js')).serverCommand,
  },
  {
    name: 'ui',
    args: [],
    summary: 'the dashboard in a browser, on the local state folder (or REDIS_URL)',
    description: 'Serves the dashboard (and the API) until Ctrl-C, like `mlflow ui`, and prints its URL and a one-time login link that signs the browser in.',
    options: [['--port <port>', 'port (default PORT, 8080; 0 = any free port)']],
    load: async () => (await import('./commands/ui.js')).uiCommand,
  },
  {
    name: 'worker',
    args: [],
    summary: 'run a worker in this process (on REDIS_URL, or the local state folder)',
    description:
      'Trains trials from the queue until SIGTERM or Ctrl-C, then lets running trials finish (up to SWEEPQ_SHUTDOWN_GRACE_MS) and hands the rest back to the queue.',
    options: [
      ['--concurrency <n>', 'trials trained at once (default WORKER_CONCURRENCY, 1..256)'],
      ['--programs', "also run program trials (sweeps of users' own training code, run as this worker's user)"],
      ['--allow-programs <names>', 'run program trials only of these executables, comma-separated (e.g. python3,Rscript)'],
    ],
    load: async () => (await import('./commands/worker.js')).workerCommand,
  },
];

const CONNECTION_HELP = `
Connection: SWEEPQ_API_URL (a scheduler, with SWEEPQ_API_TOKEN), else REDIS_URL (direct), else the
local state folder SWEEPQ_STATE_DIR (default ./.sweepq) where \`sweepq run\` keeps its results.
Exit codes: 0 success, 2 invalid input, 1 anything else.`;

function packageVersion(): string {
  const pkg = createRequire(import.meta.url)('../../../package.json') as { version: string };
  return pkg.version;
}

/** The exit code a command ran to; set by the action, read after parsing. */
export interface ProgramRun {
  program: Commander;
  /** Resolves with the command's exit code once its action finished. */
  exitCode(): number;
}

/** Builds the program. Usage errors throw CommanderError (exitOverride); the caller maps them to exit 2. */
export function buildProgram(): ProgramRun {
  let code = 0;
  const program = new Commander('sweepq')
    .description('A distributed job queue for hyperparameter sweeps.')
    .version(packageVersion(), '-v, --version')
    .usage('<command> [options]')
    .addHelpText('after', CONNECTION_HELP)
    .showSuggestionAfterError(true)
    .exitOverride()
    .configureOutput({ outputError: (text, write) => write(`sweepq: ${text.replace(/^error: /, '')}`) });
  for (const declaration of COMMANDS) {
    const command = program
      .command(declaration.name)
      .summary(declaration.summary)
      .description(declaration.description ?? declaration.summary);
    for (const arg of declaration.args) command.argument(arg);
    for (const option of declaration.options) {
      if (option instanceof Option) command.addOption(option);
      else command.option(option[0], option[1]);
    }
    command
      .allowExcessArguments(false)
      .showSuggestionAfterError(true)
      .exitOverride()
      .configureOutput({ outputError: (text, write) => write(`sweepq: ${text.replace(/^error: /, '')}`) })
      .action(async (...received: unknown[]) => {
        // commander passes the declared arguments, then the options object, then the command.
        // A variadic argument (`[tags...]`) arrives as one array: its items are positionals too.
        const positionals = received
          .slice(0, declaration.args.length)
          .flatMap((value) =>
            Array.isArray(value) ? (value as unknown[]).map((v) => String(v as string)) : value === undefined ? [] : [String(value as string)],
          );
        const values = command.opts<OptionValues>();
        const loaded = await declaration.load();
        code = await loaded.run({ positionals, values });
      });
  }
  return { program, exitCode: () => code };
}

export { CommanderError };
