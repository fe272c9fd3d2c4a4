/**
 * V8 flags of the node processes sweepq starts itself — a run's workers and their training processes
 * (issue 13, fixed costs, round 4). Such a process allocates ~20 MB while it starts (its bundle's
 * functions, zod's schemas, BullMQ, the learners), nearly all of it kept for its whole life. V8's young
 * generation starts at 1 MB and doubles only after each scavenge, so a start ran 5–9 scavenges that
 * copied the same live objects again and again, and the promoted bulk then set off a full mark-compact
 * in the worker: ~15% of each process's start-up CPU (`--trace-gc`). 16 MB still left the worker one
 * scavenge of 24 MB, nearly all alive; at 32 MB a run's processes start with no collection at all.
 * Young-generation pages are committed as they fill, and the 64 MB reserved fit well inside a
 * training process's address-space allowance (training-slot.ts). The CLI itself cannot take flags
 * (`node bin/sweepq.js` starts it), hence only its children.
 */
export const START_UP_V8_FLAGS: readonly string[] = ['--min-semi-space-size=32', '--max-semi-space-size=32'];
