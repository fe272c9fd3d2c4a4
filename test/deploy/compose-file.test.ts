/**
 * docker-compose.yml validated offline against the compose-spec JSON schema that docker compose itself
 * validates with (vendored from the Go module github.com/compose-spec/compose-go/v2 by
 * scripts/vendor-schemas.mjs), plus the worker's stop grace against its shutdown grace.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, it } from 'node:test';
import { Ajv2020 } from 'ajv/dist/2020.js';
import { parse } from 'yaml';
import { loadConfig } from '../../shared/config/config.js';
import { ROOT, SCHEMA_DIR } from './deploy-files.js';

interface ComposeFile {
  services: Record<string, { environment?: Record<string, string>; stop_grace_period?: string; [key: string]: unknown }>;
  [key: string]: unknown;
}

const schema = JSON.parse(readFileSync(path.join(SCHEMA_DIR, 'compose-spec.json'), 'utf8')) as object;
const validate = new Ajv2020({ strict: false, allErrors: true, validateFormats: false }).compile(schema);
/** As compose reads it: YAML 1.1 merge keys (`<<: *sweepq-env`) resolved. */
const compose = parse(readFileSync(path.join(ROOT, 'docker-compose.yml'), 'utf8'), { merge: true, uniqueKeys: true }) as ComposeFile;

function errorsOf(file: unknown): string[] {
  return validate(file) ? [] : (validate.errors ?? []).map((e) => `${e.instancePath} ${e.message ?? ''} ${JSON.stringify(e.params)}`);
}

/** Compose durations (`40s`, `1m30s`) in ms. */
function durationMs(value: string): number {
  let ms = 0;
  for (const [, n, unit] of value.matchAll(/([0-9.]+)(ms|s|m|h)/g))
    ms += Number(n) * { ms: 1, s: 1000, m: 60_000, h: 3_600_000 }[unit as 'ms' | 's' | 'm' | 'h'];
  return ms;
}

/** Compose interpolation with an empty shell: `${VAR:-default}` → default; `${VAR:?message}` (required) → a stand-in. */
function interpolate(environment: Record<string, string> = {}): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [name, value] of Object.entries(environment)) {
    out[name] = String(value).replace(/\$\{[A-Za-z_][A-Za-z0-9_]*(?::?([-?])([^}]*))?\}/g, (_whole, op: string | undefined, word: string | undefined) =>
      op === '-' ? (word ?? '') : 'required-value-0123456789',
    );
  }
  return out;
}

describe('docker-compose.yml', () => {
  it('is valid against the compose-spec schema', () => {
    assert.deepEqual(errorsOf(compose), []);
  });

  it('would be refused with a misspelt or mistyped field (the schema is not vacuous)', () => {
    const worker = compose.services.worker!;
    assert.notDeepEqual(errorsOf({ ...compose, services: { ...compose.services, worker: { ...worker, stop_grace_perod: '40s' } } }), []);
    assert.notDeepEqual(errorsOf({ ...compose, services: { ...compose.services, worker: { ...worker, depends_on: 'redis, minio' } } }), []);
  });

  it('gives the worker an environment sweepq accepts and a stop grace longer than its shutdown grace', () => {
    const worker = compose.services.worker!;
    const config = loadConfig(interpolate(worker.environment));
    assert.ok(
      durationMs(worker.stop_grace_period ?? '10s') >= config.worker.shutdownGraceMs + 5000,
      `${worker.stop_grace_period} vs ${config.worker.shutdownGraceMs} ms`,
    );
  });
});
