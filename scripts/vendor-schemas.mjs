#!/usr/bin/env node
// Vendors the schemas the deployment files are validated against (test/deploy/*.test.ts), once, from
// the Go module proxy: the compose-spec JSON schema that docker compose itself validates with (it
// ships in github.com/compose-spec/compose-go/v2) and KEDA's CRDs (github.com/kedacore/keda/v2).
// Writes deploy/schemas/<file> and deploy/schemas/SOURCES.json (module, version, path, sha256).
//
//   node scripts/vendor-schemas.mjs            # the pinned versions below
//   node scripts/vendor-schemas.mjs --latest   # newest versions the proxy lists (then update the pins)
//
// Needs a Go toolchain (`go mod download` talks to $GOPROXY, by default proxy.golang.org).
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import process from 'node:process';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const target = path.join(root, 'deploy', 'schemas');

/** What is vendored: module, pinned version, files inside the module. */
const SOURCES = [
  { module: 'github.com/compose-spec/compose-go/v2', version: 'v2.16.2', files: ['schema/compose-spec.json'] },
  {
    module: 'github.com/kedacore/keda/v2',
    version: 'v2.21.0',
    files: ['config/crd/bases/keda.sh_scaledobjects.yaml', 'config/crd/bases/keda.sh_triggerauthentications.yaml'],
  },
];

function go(args, cwd) {
  const candidates = ['go', '/usr/local/go/bin/go', '/usr/lib/go/bin/go'];
  for (const binary of candidates) {
    const result = spawnSync(binary, args, { cwd, encoding: 'utf8', timeout: 10 * 60_000, env: { ...process.env, GOFLAGS: '-mod=mod' } });
    if (result.error?.code === 'ENOENT') continue;
    if (result.error) throw result.error;
    if (result.status !== 0) throw new Error(`go ${args.join(' ')} failed:\n${result.stderr}`);
    return result.stdout;
  }
  throw new Error('no Go toolchain found (go, /usr/local/go/bin/go): install Go to vendor the schemas');
}

const latest = process.argv.includes('--latest');
const scratch = mkdtempSync(path.join(os.tmpdir(), 'sweepq-vendor-'));
const record = [];
try {
  for (const source of SOURCES) {
    const version = latest ? JSON.parse(go(['list', '-m', '-json', `${source.module}@latest`], scratch)).Version : source.version;
    const info = JSON.parse(go(['mod', 'download', '-json', `${source.module}@${version}`], scratch));
    if (info.Error) throw new Error(`${source.module}@${version}: ${info.Error}`);
    for (const file of source.files) {
      const bytes = readFileSync(path.join(info.Dir, file));
      const name = path.basename(file);
      writeFileSync(path.join(target, name), bytes);
      record.push({ file: name, module: source.module, version, path: file, moduleSum: info.Sum, sha256: createHash('sha256').update(bytes).digest('hex') });
      console.log(`vendor-schemas: ${name} ← ${source.module}@${version}/${file}`);
    }
  }
  writeFileSync(path.join(target, 'SOURCES.json'), `${JSON.stringify(record, null, 2)}\n`);
} finally {
  rmSync(scratch, { recursive: true, force: true });
}
