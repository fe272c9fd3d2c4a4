/**
 * Reading the deployment files and their vendored schemas for the offline validation tests
 * (kubeconform would fetch schemas from the network, which CI does not have).
 */
import { readFileSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { Ajv, type ValidateFunction } from 'ajv';
import { parse, parseAllDocuments } from 'yaml';

/** The repository root (tests run from dist/test/deploy/). */
export const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');
export const K8S_DIR = path.join(ROOT, 'deploy', 'k8s');
export const SCHEMA_DIR = path.join(ROOT, 'deploy', 'schemas');

/** A Kubernetes object as read from YAML, with where it came from (for messages). */
export interface Manifest {
  apiVersion: string;
  kind: string;
  metadata: { name: string; namespace?: string; labels?: Record<string, string> };
  [field: string]: unknown;
  /** `file#index`, not part of the object. */
  readonly source: string;
}

/** Every document of a YAML file, refusing YAML errors and duplicate keys (what kubectl refuses). */
export function readYamlDocuments(file: string): unknown[] {
  const docs = parseAllDocuments(readFileSync(file, 'utf8'), { uniqueKeys: true });
  const out: unknown[] = [];
  for (const doc of Array.isArray(docs) ? docs : [docs]) {
    if (doc.errors.length > 0) throw new Error(`${path.relative(ROOT, file)}: ${doc.errors[0]!.message}`);
    const value: unknown = doc.toJS();
    if (value !== null && value !== undefined) out.push(value);
  }
  return out;
}

/** The objects of every `*.yaml` in deploy/k8s except the kustomization. */
export function readManifests(): Manifest[] {
  const out: Manifest[] = [];
  for (const name of readdirSync(K8S_DIR)
    .filter((n) => n.endsWith('.yaml') && n !== 'kustomization.yaml')
    .sort()) {
    readYamlDocuments(path.join(K8S_DIR, name)).forEach((doc, i) => out.push({ ...(doc as Manifest), source: `${name}#${i}` }));
  }
  return out;
}

/**
 * A validator for the served version of a vendored CustomResourceDefinition. The API server prunes
 * unknown fields of a custom resource silently and `kubectl apply` (strict field validation) refuses
 * them; either way a misspelt field does nothing, so here it is an error: every object schema that
 * lists its properties and does not preserve unknown fields gets `additionalProperties: false`.
 */
export function crdValidator(file: string, version: string): ValidateFunction {
  const crd = parse(readFileSync(path.join(SCHEMA_DIR, file), 'utf8')) as { spec: { versions: { name: string; schema: { openAPIV3Schema: unknown } }[] } };
  const served = crd.spec.versions.find((v) => v.name === version);
  if (served === undefined) throw new Error(`${file} has no version ${version}`);
  // OpenAPI's x-kubernetes-* keywords and int32/int64 formats are not JSON Schema: not strict, no formats.
  const ajv = new Ajv({ strict: false, allErrors: true, validateFormats: false });
  return ajv.compile(closeObjects(structuredClone(served.schema.openAPIV3Schema)) as object);
}

function closeObjects(schema: unknown): unknown {
  if (Array.isArray(schema)) {
    for (const item of schema) closeObjects(item);
  } else if (schema !== null && typeof schema === 'object') {
    const node = schema as Record<string, unknown>;
    for (const value of Object.values(node)) closeObjects(value);
    if (node.properties !== undefined && node.additionalProperties === undefined && node['x-kubernetes-preserve-unknown-fields'] !== true)
      node.additionalProperties = false;
  }
  return schema;
}
