/**
 * A worker's permission and means to run program trials (issue 14). A worker runs programs only when
 * started with `sweepq worker --programs` (any executable) or `--allow-programs a,b` (those executables,
 * by name); `sweepq run` starts its workers with --programs, since they run the user's own sweep.
 *
 * An allowlist names executables the worker's operator installed, so a sweep must not be able to
 * substitute its own file under an allowed name: the command's first word must be a bare name, the
 * sweep may not set PATH, and the name is resolved here on the absolute folders of the worker's own
 * PATH (never the trial's working directory, where a bundle's files are) and run by that path.
 */
import { accessSync, constants, statSync } from 'node:fs';
import path from 'node:path';
import { SweepqError } from '../../../shared/errors/index.js';
import type { ProgramContext } from '../../../shared/schemas/program-spec.schema.js';
import type { ObjectStore } from '../../../shared/store/object-store.js';
import type { BundleCache } from '../../../shared/program/program-bundle.js';
import { ProgramTrial, type ProgramTrialInput } from './program-trial.js';

export interface ProgramPolicy {
  /** null: any executable; otherwise the executable names (basenames) allowed. */
  allow: ReadonlySet<string> | null;
}

/** `name`'s file in the first absolute folder of `searchPath` that holds it as an executable file, or null. */
export function resolveOnPath(name: string, searchPath: string | undefined): string | null {
  for (const folder of (searchPath ?? '').split(path.delimiter)) {
    // Empty and relative entries would resolve against the trial's working directory.
    if (!path.isAbsolute(folder)) continue;
    const candidate = path.join(folder, name);
    try {
      if (!statSync(candidate).isFile()) continue;
      accessSync(candidate, constants.X_OK);
      return candidate;
    } catch {
      continue;
    }
  }
  return null;
}

export class ProgramRunner {
  constructor(
    private readonly policy: ProgramPolicy,
    private readonly store: ObjectStore,
    private readonly runsDir: string,
    private readonly inheritedEnv: Readonly<Record<string, string | undefined>>,
    private readonly bundles: BundleCache,
  ) {}

  /** Why this worker may not run the sweep's program, or null when it may. */
  refusal(context: ProgramContext): string | null {
    const allow = this.policy.allow;
    if (allow === null) return null;
    const allowed = `this worker's allowed programs (${[...allow].join(', ')})`;
    const executable = context.program.command[0]!;
    if (executable.includes('/')) return `${JSON.stringify(executable)} is a path; ${allowed} run by name from the worker's own PATH`;
    if (!allow.has(executable)) return `${executable} is not among ${allowed}`;
    if (context.program.env.PATH !== undefined) return `the sweep sets PATH in program.env; ${allowed} are looked up on the worker's own PATH`;
    if (resolveOnPath(executable, this.inheritedEnv.PATH) === null) return `${executable} is allowed but not installed on this worker's PATH`;
    return null;
  }

  trial(input: Omit<ProgramTrialInput, 'runsDir' | 'inheritedEnv' | 'bundles'>): ProgramTrial {
    const context = this.policy.allow === null ? input.context : this.pinnedExecutable(input.context);
    return new ProgramTrial({ ...input, context, runsDir: this.runsDir, inheritedEnv: this.inheritedEnv, bundles: this.bundles }, this.store);
  }

  /** The context with its allowed executable replaced by the worker's own file of that name. */
  private pinnedExecutable(context: ProgramContext): ProgramContext {
    // Accepted moments ago; only an executable removed since then is refused here (retried elsewhere).
    const refused = this.refusal(context);
    if (refused !== null) throw new SweepqError('LOCAL_IO', `the program cannot run on this worker: ${refused}`);
    const [name, ...args] = context.program.command;
    const file = resolveOnPath(name!, this.inheritedEnv.PATH)!;
    return { ...context, program: { ...context.program, command: [file, ...args] } };
  }
}
