/**
 * The flag of a worker started by `sweepq run`, which waits for its parent's orders (parent-orders.ts).
 * A module of its own: bin/sweepq.js starts a run's first worker before anything heavier loads.
 */
export const AWAIT_PARENT_FLAG = '--await-parent';
