/**
 * Recognises the errors ioredis raises when Redis does not answer, so the API maps them to 503
 * INDEX_UNAVAILABLE (retry later) instead of 500 INTERNAL (a bug).
 */

/**
 * True for the errors ioredis raises when Redis does not answer: a command past `commandTimeout`
 * (ioredis rejects it with a plain Error whose message is this constant, lib/Command.ts — it has no
 * class of its own) and a command given up after `maxRetriesPerRequest` reconnects.
 */
export function isRedisUnavailableError(error: unknown): boolean {
  if (!(error instanceof Error)) return false;
  return error.message === 'Command timed out' || error.name === 'MaxRetriesPerRequestError';
}
