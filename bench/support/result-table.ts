/** The goal table every system benchmark prints: measured value, goal, ratio and verdict per row. */
import { formatTable } from '../../services/cli/format/table.js';

export interface GoalRow {
  part: string;
  measured: string;
  goal: string;
  /** measured / goal bound (≤ 1 passes for "at most" goals, ≥ 1 for "at least"); NaN when not applicable. */
  ratio: number;
  pass: boolean | null;
  note?: string;
}

export function renderGoalTable(rows: readonly GoalRow[]): string {
  const cells = rows.map((r) => [
    r.part,
    r.measured,
    r.goal,
    Number.isFinite(r.ratio) ? r.ratio.toFixed(2) : '-',
    r.pass === null ? 'n/a' : r.pass ? 'PASS' : 'MISS',
    r.note ?? '',
  ]);
  return formatTable(['part', 'measured', 'goal', 'ratio', 'result', 'note'], cells, { align: ['left', 'right', 'left', 'right', 'left', 'left'] });
}

/** Milliseconds with a unit that reads well in a table. */
export function ms(value: number, digits = 1): string {
  if (!Number.isFinite(value)) return '-';
  if (Math.abs(value) >= 10_000) return `${(value / 1000).toFixed(2)} s`;
  return `${value.toFixed(digits)} ms`;
}

/** Minimal flag parsing shared by the benchmarks: `--quick`, `--only a,b`. */
export function parseBenchArgs(argv: readonly string[]): { quick: boolean; only: Set<string> | null } {
  let quick = false;
  let only: Set<string> | null = null;
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    if (arg === '--quick') quick = true;
    else if (arg === '--only') only = new Set((argv[++i] ?? '').split(',').filter((s) => s !== ''));
    else if (arg.startsWith('--only='))
      only = new Set(
        arg
          .slice(7)
          .split(',')
          .filter((s) => s !== ''),
      );
    else throw new Error(`unknown argument ${arg} (use --quick, --only a,b,c,d)`);
  }
  return { quick, only };
}
