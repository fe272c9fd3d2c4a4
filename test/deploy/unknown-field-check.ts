/**
 * Misspelt fields in core Kubernetes objects. The OpenAPI schemas behind `kubernetes-models`'
 * validators allow unknown fields (the API server prunes them; `kubectl apply` refuses them under its
 * default strict field validation), so `terminationGracePeriodSecond: 45` would pass them and do
 * nothing. The package's TypeScript interfaces list every field, and TypeScript's excess-property
 * check on object literals refuses any other: each object is type-checked as a literal of its
 * interface, in memory, with the project's TypeScript.
 */
import path from 'node:path';
import ts from 'typescript';
import { ROOT, type Manifest } from './deploy-files.js';

/** The interface of each core kind, from the package entry of its API group. */
const INTERFACES: Record<string, { module: string; name: string }> = {
  'v1/Namespace': { module: 'kubernetes-models/v1', name: 'INamespace' },
  'v1/ConfigMap': { module: 'kubernetes-models/v1', name: 'IConfigMap' },
  'v1/Secret': { module: 'kubernetes-models/v1', name: 'ISecret' },
  'v1/Service': { module: 'kubernetes-models/v1', name: 'IService' },
  'apps/v1/Deployment': { module: 'kubernetes-models/apps/v1', name: 'IDeployment' },
  'apps/v1/StatefulSet': { module: 'kubernetes-models/apps/v1', name: 'IStatefulSet' },
};

/** Type errors of the core objects among `manifests`, as `source: message` (others are skipped). */
export function unknownFieldErrors(manifests: readonly Manifest[]): string[] {
  // A virtual file beside the tests, so `kubernetes-models` resolves from the project's node_modules.
  const file = path.join(ROOT, 'test', 'deploy', 'manifests.check.ts');
  const imports: string[] = [];
  const lines: string[] = [];
  const ranges: { start: number; end: number; source: string }[] = [];
  const known = new Set<string>();
  for (const m of manifests) {
    const target = INTERFACES[`${m.apiVersion}/${m.kind}`];
    if (target === undefined) continue;
    if (!known.has(target.name)) {
      known.add(target.name);
      imports.push(`import type { ${target.name} } from '${target.module}';`);
    }
    const { source, ...object } = m;
    lines.push(`export const object${ranges.length}: ${target.name} = ${JSON.stringify(object)};`);
    ranges.push({ start: 0, end: 0, source });
  }
  const header = `${imports.join('\n')}\n`;
  let offset = header.length;
  for (let i = 0; i < lines.length; i++) {
    ranges[i]!.start = offset;
    offset += lines[i]!.length + 1;
    ranges[i]!.end = offset;
  }
  const text = header + lines.join('\n') + '\n';

  // lib ES5 only: no DOM or newer libs to load (the interfaces need Array and Record, nothing else).
  const options: ts.CompilerOptions = {
    strict: true,
    noEmit: true,
    skipLibCheck: true,
    module: ts.ModuleKind.NodeNext,
    moduleResolution: ts.ModuleResolutionKind.NodeNext,
    target: ts.ScriptTarget.ES2022,
    types: [],
    lib: ['lib.es5.d.ts'],
  };
  const host = ts.createCompilerHost(options);
  const readFile = host.readFile.bind(host);
  const fileExists = host.fileExists.bind(host);
  const getSourceFile = host.getSourceFile.bind(host);
  host.readFile = (name) => (path.resolve(name) === file ? text : readFile(name));
  host.fileExists = (name) => path.resolve(name) === file || fileExists(name);
  host.getSourceFile = (name, version, onError, create) =>
    path.resolve(name) === file ? ts.createSourceFile(name, text, version, true) : getSourceFile(name, version, onError, create);
  const program = ts.createProgram([file], options, host);
  const sourceFile = program.getSourceFile(file)!;
  const errors: string[] = [];
  for (const d of [...program.getSyntacticDiagnostics(sourceFile), ...program.getSemanticDiagnostics(sourceFile)]) {
    const at = d.start ?? 0;
    const source = ranges.find((r) => at >= r.start && at < r.end)?.source ?? 'imports';
    errors.push(`${source}: ${ts.flattenDiagnosticMessageText(d.messageText, ' ')}`);
  }
  return errors;
}
