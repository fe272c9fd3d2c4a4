/**
 * Guarantee: workers on other hosts behave as on one machine when the network between them fails.
 * Each worker runs in a network namespace of its own — a host with its own address on a switch (a
 * bridge), see netns-lab.ts — and reaches Redis and MinIO, which listen on the switch's server address,
 * only over its link.
 *
 * 1. Partition: one worker's link goes down mid-trial. Nothing resets its connections; its lock simply
 *    stops being renewed and expires, and the job is re-run on another host. When the link comes back
 *    the cut-off worker's commit — whose TCP segments were waiting to be retransmitted — is refused;
 *    nothing is lost and nothing is counted twice.
 * 2. A bad network for a whole sweep: every worker reaches Redis and MinIO through a userspace TCP proxy
 *    (tcp-proxy.ts; this kernel has no `netem` qdisc) that delays every chunk and drops connections,
 *    at connect and mid-stream. The sweep completes, every trial exactly once.
 */
import assert from 'node:assert/strict';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { NetnsLab, netnsUnavailableReason, type LabHost } from '../support/netns-lab.js';
import { startMinioServer, startRedisServer, type TestMinioServer, type TestRedisServer } from '../support/servers.js';
import { TcpProxy } from '../support/tcp-proxy.js';
import { assertCompletedExactlyOnce, forestSweepSpec, waitFor, WORKER_MAIN, WorkerProcess } from './fault-harness.js';
import { cleanUp, guardOnExit } from './cleanup-guard.js';
import { FaultCluster } from './fault-cluster.js';
import { assertIndexConsistent, assertQueueDrained } from './index-consistency.js';

const skip = netnsUnavailableReason() ?? false;

describe('workers on their own hosts (network namespaces)', { skip }, () => {
  let lab: NetnsLab;
  let redis: TestRedisServer;
  let minio: TestMinioServer | undefined;
  const clusters: FaultCluster[] = [];
  const proxies: TcpProxy[] = [];
  // The lab cleans up its namespaces (and the workers inside) on exit by itself.
  const unguard = guardOnExit(() => ({ clusters, servers: [redis, minio] }));

  before(async () => {
    lab = NetnsLab.create(3);
    redis = await startRedisServer({ appendonly: false, bind: [lab.serverAddress] });
    minio = await startMinioServer({ host: lab.serverAddress });
  });
  after(() =>
    cleanUp(
      ...clusters.map((cluster) => () => cluster.close()),
      ...proxies.map((proxy) => () => proxy.close()),
      () => redis?.stop(),
      () => minio?.stop(),
      () => lab?.destroy(),
      unguard,
      () => assert.deepEqual(lab?.leftovers() ?? [], [], 'every namespace and link of the lab is gone'),
    ),
  );

  /** A cluster whose service (in this process) reaches Redis on loopback and MinIO on the switch. */
  async function startCluster(label: string, env: Record<string, string>): Promise<FaultCluster> {
    assert.ok(minio !== undefined);
    const cluster = await FaultCluster.start(label, {
      queue: true,
      env: { REDIS_URL: redis.url, S3_ENDPOINT: minio.endpoint, S3_ACCESS_KEY: minio.accessKey, S3_SECRET_KEY: minio.secretKey, ...env },
    });
    clusters.push(cluster);
    return cluster;
  }

  /** Starts a worker process on `host`, reaching Redis and MinIO at the given addresses, with a state folder of its own. */
  function spawnOnHost(cluster: FaultCluster, host: LabHost, addresses: { redis: string; s3: string }): WorkerProcess {
    const env: NodeJS.ProcessEnv = {
      PATH: process.env.PATH,
      HOME: process.env.HOME,
      ...cluster.setup.env,
      REDIS_URL: `redis://${addresses.redis}`,
      S3_ENDPOINT: `http://${addresses.s3}`,
      SWEEPQ_STATE_DIR: path.join(cluster.setup.stateDir, `host-${host.index}`),
    };
    const worker = new WorkerProcess(lab.spawn(host, process.execPath, [WORKER_MAIN], env));
    cluster.fleet.workers.push(worker); // killed by cluster.close() like any other worker
    return worker;
  }

  const direct = (): { redis: string; s3: string } => ({ redis: `${lab.serverAddress}:${redis.port}`, s3: new URL(minio!.endpoint).host });

  /** Stops a test's workers and service as soon as it is done (the next test runs on a quiet machine). */
  async function closeCluster(cluster: FaultCluster): Promise<void> {
    clusters.splice(clusters.indexOf(cluster), 1);
    await cluster.close();
  }

  it('re-runs the trial of a partitioned worker elsewhere and refuses its commit after the link heals', async (t) => {
    const cluster = await startCluster('netns-partition', { SWEEPQ_LOCK_DURATION_MS: '3000', SWEEPQ_STALLED_INTERVAL_MS: '1000' });
    const { service, redis: client, index } = cluster;
    const trials = 6;
    const submitted = await service.submit(forestSweepSpec({ name: 'netns-partition', trials, nEstimators: 200 }));
    const { sweepId } = submitted;
    const [hostA, hostB] = [lab.hosts[0]!, lab.hosts[1]!];
    const a = spawnOnHost(cluster, hostA, direct());
    const b = spawnOnHost(cluster, hostB, direct());

    const victim = await waitFor(
      'a trial active on host A',
      async () => {
        const all = await index.trials.getMany(sweepId, [...Array(trials).keys()]);
        return all.find((x) => x.status === 'active' && x.worker === a.workerId);
      },
      60_000,
      20,
    );
    lab.partition(hostA);
    const partitionedAt = Date.now();
    t.diagnostic(`host A (${hostA.address}) partitioned while training trial ${victim.index}`);

    const rerun = await waitFor(
      'the trial to be claimed on host B',
      async () => {
        const trial = await index.trials.get(sweepId, victim.index);
        return trial !== null && trial.worker === b.workerId && trial.attempt > victim.attempt ? trial : undefined;
      },
      60_000,
      50,
    );
    const rerunAfterMs = Date.now() - partitionedAt;
    assert.ok(rerunAfterMs >= 1000, `the job moved only after A's lock expired (${rerunAfterMs} ms)`);
    assert.ok(a.running, 'the partitioned worker is alive, only cut off');
    t.diagnostic(`re-claimed on host B ${rerunAfterMs} ms after the partition (attempt ${rerun.attempt})`);

    // Leave A cut off a little longer than its store calls' first timeout, then heal the link.
    await waitFor('B to finish the re-run trial', async () => (await index.trials.get(sweepId, victim.index))?.status === 'completed', 60_000, 100);
    const artefactOfB = await service.artifact(sweepId, victim.id);
    lab.heal(hostA);
    const healedAt = Date.now();

    const refusal = await a.waitForLine(/this attempt was superseded/, 90_000);
    assert.match(refusal, /"committed":"(stale|fenced)"/);
    assert.match(refusal, new RegExp(`"trialId":"${victim.id}"`), 'the refused commit is the partitioned attempt');
    t.diagnostic(`link healed after ${healedAt - partitionedAt} ms; A's stale commit refused ${Date.now() - healedAt} ms later`);

    await waitFor('the sweep to finish', async () => (await service.status(sweepId)).state === 'completed', 120_000, 100);
    const done = await assertCompletedExactlyOnce(service, index, client, sweepId, trials);
    await assertIndexConsistent(service, index, client, sweepId);
    await assertQueueDrained(cluster.queue);
    const won = done.find((x) => x.index === victim.index)!;
    assert.equal(won.worker, b.workerId, 'the re-run on host B is the result that counts');
    assert.ok(a.running, `the healed worker keeps running:\n${a.tail()}`);
    // A wrote its artefact to the same key before its commit was refused (the put precedes the fenced
    // commit). Harmless only because a trial is bit-reproducible: the bytes are B's.
    assert.ok((await service.artifact(sweepId, victim.id)).equals(artefactOfB), 'the late attempt left the winner’s artefact bytes');
    await closeCluster(cluster);
  });

  it('completes a whole sweep exactly once through 200 ms of delay and dropped connections', async (t) => {
    const seed = Date.now() % 100_000;
    const faults = { latencyMs: 200, dropRate: 0.05, cutPerSecond: 0.05 };
    const redisProxy = await TcpProxy.start({ host: lab.serverAddress, upstream: { host: '127.0.0.1', port: redis.port }, faults, seed });
    const s3Proxy = await TcpProxy.start({
      host: lab.serverAddress,
      upstream: { host: lab.serverAddress, port: Number(new URL(minio!.endpoint).port) },
      faults,
      seed: seed + 1,
    });
    proxies.push(redisProxy, s3Proxy);
    t.diagnostic(
      `proxy seed ${seed}: ${faults.latencyMs} ms each way, ${faults.dropRate * 100}% of connections reset at connect, ${faults.cutPerSecond * 100}% per second cut mid-stream`,
    );

    const cluster = await startCluster('netns-chaos', { SWEEPQ_LOCK_DURATION_MS: '6000', SWEEPQ_STALLED_INTERVAL_MS: '2000' });
    const { service, redis: client, index } = cluster;
    const trials = 12;
    const started = Date.now();
    const submitted = await service.submit(forestSweepSpec({ name: 'netns-chaos', trials, nEstimators: 20 }));
    for (const host of lab.hosts) spawnOnHost(cluster, host, { redis: redisProxy.address, s3: s3Proxy.address });

    await waitFor('the sweep to finish', async () => (await service.status(submitted.sweepId)).state === 'completed', 240_000, 200);
    const done = await assertCompletedExactlyOnce(service, index, client, submitted.sweepId, trials);
    await assertIndexConsistent(service, index, client, submitted.sweepId);
    await assertQueueDrained(cluster.queue);
    const faultsSeen = redisProxy.stats.dropped + redisProxy.stats.cut + s3Proxy.stats.dropped + s3Proxy.stats.cut;
    t.diagnostic(
      `sweep done in ${Date.now() - started} ms; redis proxy ${JSON.stringify(redisProxy.stats)}, s3 proxy ${JSON.stringify(s3Proxy.stats)}; ${done.filter((x) => x.attempt > 1).length} trial(s) ran more than once`,
    );
    assert.ok(faultsSeen > 0, 'connections were really dropped during the sweep');
    // What the workers went through, by log message (warn and up): reconnects, store retries, refusals.
    const messages = new Map<string, number>();
    for (const worker of cluster.fleet.workers) {
      for (const line of worker.lines) {
        const message = /"msg":"([^"]*)"/.exec(line)?.[1] ?? line.slice(0, 80);
        messages.set(message, (messages.get(message) ?? 0) + 1);
      }
    }
    t.diagnostic(`worker log: ${JSON.stringify(Object.fromEntries(messages))}`);
    await closeCluster(cluster);
  });
});
