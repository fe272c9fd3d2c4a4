/**
 * A worker's permission and means to run program trials (issue 14). A worker runs programs only when
 * started with `sweepq worker --programs` (any executable) or `--allow-programs a,b` (those executables,
 * by name); `sweepq run` starts its workers with --programs, since they run the user's own sweep.
 */
import path from 'node:path';
import type { ProgramContext } from '../../../shared/schemas/program-spec.schema.js';
import type { ObjectStore } from '../../../shared/store/object-store.js';
import type { BundleCache } from '../../../shared/program/program-bundle.js';
import { ProgramTrial, type ProgramTrialInput } from './program-trial.js';

export interface ProgramPolicy {
  /** null: any executable; otherwise the executable names (basenames) allowed. */
  allow: ReadonlySet<string> | null;
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
    if (this.policy.allow === null) return null;
    const executable = path.basename(context.program.command[0]!);
    if (this.policy.allow.has(executable)) return null;
    return `${executable} is not among this worker's allowed programs (${[...this.policy.allow].join(', ')})`;
  }

  trial(input: Omit<ProgramTrialInput, 'runsDir' | 'inheritedEnv' | 'bundles'>): ProgramTrial {
    return new ProgramTrial({ ...input, runsDir: this.runsDir, inheritedEnv: this.inheritedEnv, bundles: this.bundles }, this.store);
  }
}
