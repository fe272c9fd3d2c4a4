/**
 * V8 flags of a `sweepq run` worker process (issue 13, fixed costs, round 4). A worker allocates
 * ~25 MB while it starts (its bundle's functions, zod's schemas, BullMQ and ioredis), nearly all of it
 * kept for its whole life. V8's young generation starts at 1 MB and doubles only after each scavenge,
 * so a start ran ~8 scavenges that copied the same live objects again and again, and the promoted bulk
 * then set off a full mark-compact: ~18% of the worker's start-up CPU (`--trace-gc`, CPU profiles).
 * 16 MB still left one scavenge of 24 MB, nearly all alive; at 32 MB the worker starts with no
 * collection at all. Young-generation pages are committed as they fill.
 *
 * Not for training processes: under a small memory limit (`--max-old-space-size=64` and RLIMIT_AS,
 * training-slot.ts) a 32 MB young generation turned the clean out-of-memory failure the worker reports
 * as LIMIT_EXCEEDED into a V8 abort during evacuation. The CLI cannot take flags (`node bin/sweepq.js`
 * starts it).
 */
export const START_UP_V8_FLAGS: readonly string[] = ['--min-semi-space-size=32', '--max-semi-space-size=32'];
