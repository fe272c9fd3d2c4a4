/**
 * Lets a process started by cached-bundle.ts write its V8 code cache at a moment of its choosing
 * (issue 13, fixed costs). A training process never exits on its own — its worker kills it — so the
 * exit hook alone never wrote its cache and every training process compiled its bundle from scratch;
 * it writes the cache once it has answered its first batch, so that the functions a trial compiles
 * lazily are in it too (round 4; written when the process was ready, they were not). The CLI writes
 * its cache while its workers stop rather than after. The writer is kept under a registered symbol because the
 * bundle holds its own copy of this module, apart from the copy cached-bundle.ts imports.
 */

/** Where runCachedBundle leaves the writer of a missing cache; absent once written or when none is needed. */
export const CODE_CACHE_WRITER = Symbol.for('sweepq.codeCacheWriter');

/** Writes this process's missing code cache now; does nothing when it has one or runs unbundled. */
export function checkpointCodeCache(): void {
  const write = (globalThis as Record<symbol, unknown>)[CODE_CACHE_WRITER];
  if (typeof write === 'function') (write as () => void)();
}
