/**
 * NODE_EXTRA_CA_CERTS in the environment of the node processes sweepq starts itself (issue 13, fixed
 * costs, round 7). Node 20 reads and parses that file when a process starts, whether or not it ever
 * opens a TLS connection: with Debian's bundle (~145 certificates, 215 KB) that is ~37 ms of CPU on
 * this machine, more than half of a bare `node` start (64 → 25 ms, shielded, 20 starts each). The
 * variable is set on many machines (corporate proxies, CI images, this one), and a trivial run starts
 * three node processes. The CLI's own start is the user's to choose; the processes it starts get the
 * variable only when they may need it:
 *
 * - a training process never does: it talks to its worker over IPC and reads local files;
 * - a worker does only to reach Redis over TLS (`rediss://`) or an S3 endpoint over `https://`. Its
 *   program trials never see the variable either way (program-env.ts passes an allowlist).
 */

/** The variable node reads at start, whatever the process goes on to do. */
const EXTRA_CA_CERTS = 'NODE_EXTRA_CA_CERTS';

/** True when a worker with this environment may open a TLS connection (REDIS_URL or S3_ENDPOINT). */
export function workerMayUseTls(env: NodeJS.ProcessEnv): boolean {
  return /^rediss:/i.test(env.REDIS_URL?.trim() ?? '') || /^https:/i.test(env.S3_ENDPOINT?.trim() ?? '');
}

/** A copy of `env` without NODE_EXTRA_CA_CERTS (the same object when it has none). */
export function withoutExtraCaCerts(env: NodeJS.ProcessEnv): NodeJS.ProcessEnv {
  if (env[EXTRA_CA_CERTS] === undefined) return env;
  const copy = { ...env };
  delete copy[EXTRA_CA_CERTS];
  return copy;
}
