/** Small helpers for reading Redis replies in the index. */
import { SweepqError } from '../errors/index.js';

/** Unwraps a pipeline/multi result, throwing the first command error. */
export function assertExecOk(results: Array<[Error | null, unknown]> | null): unknown[] {
  if (results === null) throw new SweepqError('INDEX_UNAVAILABLE', 'Redis transaction was aborted');
  const values: unknown[] = new Array(results.length);
  for (let i = 0; i < results.length; i++) {
    const [error, value] = results[i]!;
    if (error) throw new SweepqError('INDEX_UNAVAILABLE', `Redis command failed: ${error.message}`, { cause: error });
    values[i] = value;
  }
  return values;
}

/** A stored number, or null for an empty or non-numeric field. */
export function numberOrNull(value: string | null | undefined): number | null {
  if (value === undefined || value === null || value === '') return null;
  const n = Number(value);
  return Number.isFinite(n) ? n : null;
}

/** Parses stored JSON, or null for an empty field. */
export function parseJsonOrNull(text: string | undefined): unknown {
  if (text === undefined || text === '') return null;
  return JSON.parse(text) as unknown;
}

/** Leaderboard members are zero-padded indices, so equal scores order by trial index (ZRANGE is lexicographic on ties). */
export const MEMBER_WIDTH = 8;

export function leaderboardMember(index: number): string {
  return String(index).padStart(MEMBER_WIDTH, '0');
}
