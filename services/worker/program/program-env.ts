/**
 * The environment a program trial sees: a few basics of the worker's own (where to find executables,
 * locale, home), the sweep's `program.env`, and the trial's SWEEPQ_* variables — nothing else. Redis
 * and S3 URLs, keys and API tokens live in the worker's environment and must never reach user code,
 * so the environment is built from an allowlist rather than by deleting known secrets.
 */
import { fileURLToPath } from 'node:url';

/** Variables of the worker's environment a program inherits. */
const INHERITED = /^(PATH|HOME|USER|LOGNAME|LANG|LANGUAGE|LC_[A-Z]+|TZ|TMPDIR|TERM)$/;
/** The folder of `sweepq_report.py` (the repository's python/), put on PYTHONPATH. */
const PYTHON_HELPERS = fileURLToPath(new URL('../../../../python/', import.meta.url));

export interface TrialVariables {
  sweepId: string;
  trialId: string;
  params: Readonly<Record<string, unknown>>;
  seed: number;
  artifactDir: string;
  /** Where `sweepq report` reaches this attempt's worker. */
  reportSocket: string;
  /** The attempt's MLflow endpoint (mlflow-endpoint.ts): the tracking URI and the run the client resumes. */
  mlflow: { trackingUri: string; runId: string };
}

/**
 * The program's environment. `inherited` is the worker's environment (this module is the one place a
 * worker hands parts of it on; it is passed in, not read, so tests see exactly what a program gets).
 */
export function programEnvironment(
  inherited: Readonly<Record<string, string | undefined>>,
  sweepEnv: Readonly<Record<string, string>>,
  trial: TrialVariables,
): Record<string, string> {
  const env: Record<string, string> = {};
  for (const [name, value] of Object.entries(inherited)) if (value !== undefined && INHERITED.test(name)) env[name] = value;
  // Reports are lines on stdout: unbuffered Python prints them as they happen (the sweep may override).
  env.PYTHONUNBUFFERED = '1';
  // MLflow prints the run's URL at end_run: here the attempt's endpoint, a capability kept out of logs.
  env.MLFLOW_SUPPRESS_PRINTING_URL_TO_STDOUT = 'true';
  for (const [name, value] of Object.entries(sweepEnv)) env[name] = value;
  env.PYTHONPATH = env.PYTHONPATH === undefined || env.PYTHONPATH === '' ? PYTHON_HELPERS : `${env.PYTHONPATH}:${PYTHON_HELPERS}`;
  env.SWEEPQ_SWEEP_ID = trial.sweepId;
  env.SWEEPQ_TRIAL_ID = trial.trialId;
  env.SWEEPQ_PARAMS = JSON.stringify(trial.params);
  env.SWEEPQ_SEED = String(trial.seed);
  env.SWEEPQ_ARTIFACT_DIR = trial.artifactDir;
  env.SWEEPQ_REPORT_SOCKET = trial.reportSocket;
  // An MLflow-instrumented script logs into its trial: the URI is the attempt's capability, no token.
  env.MLFLOW_TRACKING_URI = trial.mlflow.trackingUri;
  env.MLFLOW_RUN_ID = trial.mlflow.runId;
  return env;
}
