/**
 * Which rows of a table match a filter (and status list), kept across queries: the dashboard asks the
 * same filter again for every page, sort and scroll, and an OR filter over 100,000 rows costs a few
 * milliseconds to evaluate. The mask belongs to one table revision and is evaluated again, into the
 * same buffer, when the table changed (a filter can match any row after a change; its evaluation is
 * one pass of typed loops, so there is no incremental variant to keep in step with the compiler).
 */
import type { TrialTable } from './trial-table.js';

/** Masks kept per table (least recently used dropped first): 100 KB each at 100k rows. */
const MAX_MASKS_PER_TABLE = 16;

export interface MatchMask {
  /** 1 for matching rows in [0, table.rowCount), else 0. Valid until the table changes. */
  readonly mask: Uint8Array;
  /** How many rows match. */
  readonly total: number;
}

interface Entry {
  revision: number;
  mask: Uint8Array;
  total: number;
}

const masksByTable = new WeakMap<TrialTable, Map<string, Entry>>();

/**
 * The rows matching the condition named `key`: the parsed filter as JSON (its literals' kind and text
 * as written, so equal keys mean equal filters) and the status list.
 * @param evaluate writes 1 for each matching present row and 0 for every other row of [0, rowCount)
 *   into `out` (called only when the cache has no answer for the table's revision; may throw).
 */
export function matchMask(table: TrialTable, key: string, evaluate: (out: Uint8Array) => void): MatchMask {
  let masks = masksByTable.get(table);
  if (masks === undefined) {
    masks = new Map();
    masksByTable.set(table, masks);
  }
  let entry = masks.get(key);
  if (entry !== undefined) masks.delete(key); // re-inserted below as the most recently used
  if (entry === undefined || entry.revision !== table.revision) entry = evaluateInto(table, entry, evaluate);
  masks.set(key, entry);
  if (masks.size > MAX_MASKS_PER_TABLE) masks.delete(masks.keys().next().value!);
  return entry;
}

function evaluateInto(table: TrialTable, entry: Entry | undefined, evaluate: (out: Uint8Array) => void): Entry {
  const n = table.rowCount;
  const mask = entry !== undefined && entry.mask.length >= n ? entry.mask : new Uint8Array(Math.max(1024, table.capacity));
  evaluate(mask);
  let total = 0;
  for (let i = 0; i < n; i++) total += mask[i]!;
  return { revision: table.revision, mask, total };
}
