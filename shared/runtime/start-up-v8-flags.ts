/**
 * V8 flags of the node processes sweepq starts itself — a run's workers and their training processes
 * (issue 13, fixed costs, round 4). Such a process allocates ~20 MB while it starts (its bundle's
 * functions, zod's schemas, BullMQ, the learners), nearly all of it kept for its whole life. V8's young
 * generation starts at 1 MB and doubles only after each scavenge, so a start ran 5–9 scavenges that
 * copied the same live objects again and again (and the promoted bulk then set off a full
 * mark-compact in the worker): ~15% of each process's start-up CPU. Starting the young generation
 * at its usual maximum (16 MB on 64-bit, so no more address space is reserved) leaves one scavenge.
 * The CLI itself cannot take flags (`node bin/sweepq.js` starts it), hence only its children.
 */
export const START_UP_V8_FLAGS: readonly string[] = ['--min-semi-space-size=16'];
