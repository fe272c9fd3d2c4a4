/**
 * deploy/k8s validated offline: every object against its Kubernetes schema (the `kubernetes-models`
 * package) or KEDA's vendored CRD schema, then what no schema knows: the references between objects,
 * the environment each container gets (parsed by sweepq's own loadConfig), the shutdown grace, the
 * resource requests, the KEDA trigger against the /metrics/queue answer, Redis's AOF on a volume.
 */
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, it } from 'node:test';
import { Deployment, StatefulSet } from 'kubernetes-models/apps/v1';
import { ConfigMap, Namespace, Secret, Service } from 'kubernetes-models/v1';
import { HostAllowlist } from '../../services/scheduler/host-allowlist.js';
import { loadConfig, type Config } from '../../shared/config/config.js';
import { QueueMetricsSchema } from '../../shared/schemas/queue-metrics.schema.js';
import { crdValidator, K8S_DIR, readManifests, readYamlDocuments, SCHEMA_DIR, type Manifest } from './deploy-files.js';
import { unknownFieldErrors } from './unknown-field-check.js';

interface ModelClass {
  new (data: object): { validate(): void };
}
/** The kinds deploy/k8s may use, by `apiVersion/kind`. */
const MODELS: Record<string, ModelClass> = {
  'v1/Namespace': Namespace,
  'v1/ConfigMap': ConfigMap,
  'v1/Secret': Secret,
  'v1/Service': Service,
  'apps/v1/Deployment': Deployment,
  'apps/v1/StatefulSet': StatefulSet,
};
const CRDS: Record<string, { file: string; version: string }> = {
  'keda.sh/v1alpha1/ScaledObject': { file: 'keda.sh_scaledobjects.yaml', version: 'v1alpha1' },
  'keda.sh/v1alpha1/TriggerAuthentication': { file: 'keda.sh_triggerauthentications.yaml', version: 'v1alpha1' },
};

interface Container {
  name: string;
  args?: string[];
  env?: { name: string; value?: string; valueFrom?: { secretKeyRef?: { name: string; key: string }; configMapKeyRef?: { name: string; key: string } } }[];
  envFrom?: { configMapRef?: { name: string }; secretRef?: { name: string } }[];
  ports?: { name?: string; containerPort: number }[];
  resources?: { requests?: Record<string, string>; limits?: Record<string, string> };
  volumeMounts?: { name: string; mountPath: string }[];
}
interface PodSpec {
  containers: Container[];
  terminationGracePeriodSeconds?: number;
  volumes?: { name: string }[];
}
interface Workload extends Manifest {
  spec: {
    selector: { matchLabels: Record<string, string> };
    template: { metadata: { labels: Record<string, string> }; spec: PodSpec };
    volumeClaimTemplates?: { metadata: { name: string } }[];
  };
}

interface ScaledObject extends Manifest {
  spec: {
    scaleTargetRef: { name: string };
    triggers: { type: string; metricType: string; metadata: Record<string, string>; authenticationRef: { name: string } }[];
  };
}
interface TriggerAuthentication extends Manifest {
  spec: { secretTargetRef: { parameter: string; name: string; key: string }[] };
}

/** Returns the errors of one object against its schema ([] = valid). */
function schemaErrors(manifest: Manifest): string[] {
  const { source: _source, ...object } = manifest;
  const key = `${manifest.apiVersion}/${manifest.kind}`;
  const Model = MODELS[key];
  if (Model !== undefined) {
    try {
      new Model(object).validate();
      return [];
    } catch (error) {
      return [(error as Error).message];
    }
  }
  const crd = CRDS[key];
  if (crd === undefined) return [`no schema for ${key}: add it to MODELS or vendor its CRD`];
  const validate = crdValidator(crd.file, crd.version);
  return validate(object) ? [] : (validate.errors ?? []).map((e) => `${e.instancePath} ${e.message ?? ''} ${JSON.stringify(e.params)}`);
}

const manifests = readManifests();
/** The placeholder secrets, with values sweepq accepts (the placeholders hold spaces on purpose). */
const secrets = new Map<string, Record<string, string>>();
for (const doc of readYamlDocuments(path.join(K8S_DIR, 'secrets.example.yaml')) as Manifest[]) {
  const data: Record<string, string> = {};
  for (const key of Object.keys((doc.stringData as Record<string, string>) ?? {})) data[key] = `test-${key.toLowerCase().replaceAll('_', '-')}-0123456789`;
  secrets.set(doc.metadata.name, data);
}
const configMaps = new Map<string, Record<string, string>>();
for (const m of manifests) if (m.kind === 'ConfigMap') configMaps.set(m.metadata.name, m.data as Record<string, string>);

function find<T extends Manifest = Manifest>(kind: string, name: string): T {
  const found = manifests.find((m) => m.kind === kind && m.metadata.name === name);
  assert.ok(found, `deploy/k8s has no ${kind} ${name}`);
  return found as T;
}

function secretValue(name: string, key: string): string {
  const value = secrets.get(name)?.[key];
  assert.ok(value !== undefined, `secret ${name} (secrets.example.yaml) has no key ${key}`);
  return value;
}

/** The environment Kubernetes gives a container: envFrom, then env with `$(VAR)` expanded. */
function containerEnv(container: Container): Record<string, string> {
  const env: Record<string, string> = {};
  for (const from of container.envFrom ?? []) {
    if (from.configMapRef !== undefined) {
      const data = configMaps.get(from.configMapRef.name);
      assert.ok(data, `${container.name}: no ConfigMap ${from.configMapRef.name}`);
      Object.assign(env, data);
    }
    if (from.secretRef !== undefined) {
      const data = secrets.get(from.secretRef.name);
      assert.ok(data, `${container.name}: no Secret ${from.secretRef.name} in secrets.example.yaml`);
      Object.assign(env, data);
    }
  }
  for (const entry of container.env ?? []) {
    const ref = entry.valueFrom?.secretKeyRef;
    if (ref !== undefined) env[entry.name] = secretValue(ref.name, ref.key);
    else if (entry.value !== undefined) env[entry.name] = entry.value.replace(/\$\(([A-Za-z_][A-Za-z0-9_]*)\)/g, (whole, name: string) => env[name] ?? whole);
    else assert.fail(`${container.name}: env ${entry.name} has neither a value nor a secret`);
  }
  return env;
}

function sweepqContainer(deployment: string): { workload: Workload; container: Container; config: Config } {
  const workload = find<Workload>('Deployment', deployment);
  const container = workload.spec.template.spec.containers[0]!;
  return { workload, container, config: loadConfig(containerEnv(container)) };
}

/** Kubernetes quantities as bytes (memory) or cores (cpu). */
function quantity(value: string | number): number {
  const match = /^([0-9.]+)(m|Ki|Mi|Gi|Ti|k|M|G)?$/.exec(String(value));
  assert.ok(match, `not a quantity: ${value}`);
  const units: Record<string, number> = { m: 1e-3, Ki: 1024, Mi: 1024 ** 2, Gi: 1024 ** 3, Ti: 1024 ** 4, k: 1e3, M: 1e6, G: 1e9 };
  return Number(match[1]) * (match[2] === undefined ? 1 : units[match[2]]!);
}

describe('deploy/k8s', () => {
  it('holds only objects valid against their schema', () => {
    assert.ok(manifests.length >= 10, `${manifests.length} objects`);
    const problems: string[] = [];
    for (const m of manifests) for (const error of schemaErrors(m)) problems.push(`${m.source} ${m.kind} ${m.metadata.name}: ${error}`);
    assert.deepEqual(problems, []);
  });

  it('refuses broken objects (the validators are not vacuous)', () => {
    const worker = find('Deployment', 'sweepq-worker');
    const scaled = find('ScaledObject', 'sweepq-worker');
    const cases: [string, Manifest][] = [
      ['replicas as text', { ...worker, spec: { ...(worker.spec as object), replicas: 'two' } }],
      ['a Deployment without a selector', { ...worker, spec: { ...(worker.spec as object), selector: undefined } }],
      ['a misspelt ScaledObject field', { ...scaled, spec: { ...(scaled.spec as object), maxReplicas: 4 } }],
      ['a ScaledObject without a target', { ...scaled, spec: { ...(scaled.spec as object), scaleTargetRef: undefined } }],
      ['an unknown kind', { ...worker, kind: 'Deploymnet' }],
    ];
    for (const [label, broken] of cases) assert.notDeepEqual(schemaErrors(JSON.parse(JSON.stringify(broken)) as Manifest), [], label);
  });

  it('has no field the Kubernetes API does not know (what kubectl apply --validate=strict refuses)', () => {
    const worker = find<Workload>('Deployment', 'sweepq-worker');
    const misspelt = {
      ...worker,
      source: 'misspelt',
      spec: { ...worker.spec, template: { ...worker.spec.template, spec: { ...worker.spec.template.spec, terminationGracePeriodSecond: 45 } } },
    };
    const errors = unknownFieldErrors([...manifests, misspelt]);
    assert.equal(errors.length, 1, errors.join('\n'));
    assert.match(errors[0]!, /^misspelt: .*terminationGracePeriodSecond/);
  });

  it('lists every manifest in kustomization.yaml, all in the sweepq namespace', () => {
    const kustomization = readYamlDocuments(path.join(K8S_DIR, 'kustomization.yaml'))[0] as { resources: string[] };
    const files = new Set(manifests.map((m) => m.source.split('#')[0]!));
    files.delete('secrets.example.yaml');
    assert.deepEqual([...kustomization.resources].sort(), [...files].sort());
    for (const m of manifests) if (m.kind !== 'Namespace') assert.equal(m.metadata.namespace, 'sweepq', `${m.source} namespace`);
  });

  it('gives the scheduler and the worker an environment sweepq accepts, with Redis and S3 behind secrets', () => {
    for (const name of ['sweepq-scheduler', 'sweepq-worker']) {
      const { container, config } = sweepqContainer(name);
      assert.match(config.redis.url ?? '', /^redis:\/\/:test-redis-password-0123456789@sweepq-redis:6379$/, `${name}: REDIS_URL from the secret`);
      assert.equal(config.s3?.accessKey, secretValue('sweepq-s3', 'S3_ACCESS_KEY'));
      assert.deepEqual(container.args, [`dist/services/${name.replace('sweepq-', '')}/main.js`]);
    }
    const { config } = sweepqContainer('sweepq-scheduler');
    assert.equal(config.api.host, '0.0.0.0');
    assert.equal(config.api.token, secretValue('sweepq-api-tokens', 'SWEEPQ_API_TOKEN'));
    assert.equal(config.api.metricsToken, secretValue('sweepq-api-tokens', 'SWEEPQ_METRICS_TOKEN'));
    // Clients in the cluster use the Service's DNS names, `kubectl port-forward` users localhost.
    const hosts = new HostAllowlist(config.api.allowedHosts);
    for (const host of ['sweepq-scheduler:8080', 'sweepq-scheduler.sweepq.svc.cluster.local:8080', 'localhost:8080'])
      assert.ok(hosts.check(host), `Host ${host} allowed`);
    assert.equal(hosts.check('evil.example:8080'), undefined);
  });

  it('lets a worker finish its trials on SIGTERM: terminationGracePeriodSeconds exceeds the shutdown grace', () => {
    const { workload, config } = sweepqContainer('sweepq-worker');
    const grace = workload.spec.template.spec.terminationGracePeriodSeconds ?? 30;
    assert.ok(
      grace * 1000 >= config.worker.shutdownGraceMs + 5000,
      `terminationGracePeriodSeconds ${grace} vs SWEEPQ_SHUTDOWN_GRACE_MS ${config.worker.shutdownGraceMs} (+5 s to hand jobs back)`,
    );
  });

  it('requests CPU and memory for every container; a worker reserves its trials memory', () => {
    for (const m of manifests) {
      if (m.kind !== 'Deployment' && m.kind !== 'StatefulSet') continue;
      for (const c of (m as Workload).spec.template.spec.containers) {
        assert.ok(c.resources?.requests?.cpu !== undefined && c.resources.requests.memory !== undefined, `${m.source} ${c.name}: requests`);
        assert.ok(c.resources.limits?.memory !== undefined, `${m.source} ${c.name}: memory limit`);
      }
    }
    const { container, config } = sweepqContainer('sweepq-worker');
    const trialsBytes = config.worker.concurrency * config.limits.trialMemoryMb * 1024 * 1024;
    assert.ok(quantity(container.resources!.requests!.memory!) > trialsBytes, 'memory request > WORKER_CONCURRENCY × SWEEPQ_TRIAL_MEMORY_MB');
    assert.ok(config.limits.trialMemoryMaxMb <= config.limits.trialMemoryMb, 'no sweep may ask a trial more memory than the pod reserves');
  });

  it('wires Services, volumes and secret references to objects that exist', () => {
    for (const m of manifests) {
      if (m.kind === 'Service') {
        const spec = m.spec as { selector: Record<string, string>; ports: { targetPort: string | number }[] };
        const pods = manifests.filter(
          (w): w is Workload =>
            (w.kind === 'Deployment' || w.kind === 'StatefulSet') &&
            Object.entries(spec.selector).every(([k, v]) => (w as Workload).spec.template.metadata.labels[k] === v),
        );
        assert.equal(pods.length, 1, `${m.source}: Service ${m.metadata.name} selects one workload`);
        const ports = pods[0]!.spec.template.spec.containers.flatMap((c) => c.ports ?? []);
        for (const p of spec.ports)
          assert.ok(
            ports.some((cp) => cp.name === p.targetPort || cp.containerPort === p.targetPort),
            `${m.metadata.name}: targetPort ${p.targetPort}`,
          );
      }
      if (m.kind === 'Deployment' || m.kind === 'StatefulSet') {
        const w = m as Workload;
        assert.deepEqual(
          Object.entries(w.spec.selector.matchLabels).filter(([k, v]) => w.spec.template.metadata.labels[k] !== v),
          [],
          `${m.source}: selector matches the pod labels`,
        );
        const volumes = new Set([
          ...(w.spec.template.spec.volumes ?? []).map((v) => v.name),
          ...(w.spec.volumeClaimTemplates ?? []).map((v) => v.metadata.name),
        ]);
        for (const c of w.spec.template.spec.containers) {
          for (const mount of c.volumeMounts ?? []) assert.ok(volumes.has(mount.name), `${m.source} ${c.name}: volume ${mount.name}`);
          containerEnv(c); // every secret and ConfigMap reference resolves
        }
      }
    }
  });

  it('keeps Redis on its append-only file, on a PersistentVolumeClaim, never evicting', () => {
    const redis = find<Workload>('StatefulSet', 'sweepq-redis');
    const c = redis.spec.template.spec.containers[0]!;
    const args = c.args!;
    const arg = (flag: string): string | undefined => args[args.indexOf(flag) + 1];
    assert.equal(arg('--appendonly'), 'yes');
    assert.equal(arg('--maxmemory-policy'), 'noeviction');
    assert.ok(quantity(arg('--maxmemory')!.replace(/mb$/, 'Mi')) < quantity(c.resources!.limits!.memory!), 'maxmemory below the container limit');
    const dataMount = c.volumeMounts!.find((v) => v.mountPath === arg('--dir'));
    assert.ok(dataMount && redis.spec.volumeClaimTemplates!.some((t) => t.metadata.name === dataMount.name), 'the AOF folder is a PersistentVolumeClaim');
  });

  it('scales the worker Deployment on /metrics/queue demand, one worker per WORKER_CONCURRENCY trials, with the metrics token', () => {
    const scaled = find<ScaledObject>('ScaledObject', 'sweepq-worker');
    assert.equal(scaled.spec.scaleTargetRef.name, 'sweepq-worker');
    find('Deployment', scaled.spec.scaleTargetRef.name);
    const [trigger] = scaled.spec.triggers;
    assert.equal(scaled.spec.triggers.length, 1);
    assert.equal(trigger!.type, 'metrics-api');
    assert.equal(trigger!.metricType, 'AverageValue');
    const url = new URL(trigger!.metadata.url!);
    assert.equal(url.pathname, '/metrics/queue');
    const [serviceName, namespace] = url.hostname.split('.');
    const service = find('Service', serviceName!);
    assert.equal(service.metadata.namespace, namespace);
    assert.ok(
      (service.spec as { ports: { port: number }[] }).ports.some((p) => p.port === Number(url.port)),
      `port ${url.port}`,
    );
    const scheduler = find<Workload>('Deployment', 'sweepq-scheduler');
    assert.ok(
      Object.entries((service.spec as { selector: Record<string, string> }).selector).every(([k, v]) => scheduler.spec.template.metadata.labels[k] === v),
      'the URL reaches the scheduler',
    );
    assert.ok(trigger!.metadata.valueLocation! in QueueMetricsSchema.shape, `valueLocation ${trigger!.metadata.valueLocation} is a field of /metrics/queue`);
    assert.equal(Number(trigger!.metadata.targetValue), sweepqContainer('sweepq-worker').config.worker.concurrency, 'targetValue = WORKER_CONCURRENCY');
    assert.equal(trigger!.metadata.authMode, 'bearer');
    const auth = find<TriggerAuthentication>('TriggerAuthentication', trigger!.authenticationRef.name);
    assert.deepEqual(
      auth.spec.secretTargetRef.map((r) => [r.parameter, r.key]),
      [['token', 'SWEEPQ_METRICS_TOKEN']],
    );
    secretValue(auth.spec.secretTargetRef[0]!.name, 'SWEEPQ_METRICS_TOKEN');
  });

  it('validates against the schema files recorded in deploy/schemas/SOURCES.json, unchanged', () => {
    const sources = JSON.parse(readFileSync(path.join(SCHEMA_DIR, 'SOURCES.json'), 'utf8')) as { file: string; sha256: string }[];
    for (const s of sources)
      assert.equal(
        createHash('sha256')
          .update(readFileSync(path.join(SCHEMA_DIR, s.file)))
          .digest('hex'),
        s.sha256,
        s.file,
      );
  });
});
