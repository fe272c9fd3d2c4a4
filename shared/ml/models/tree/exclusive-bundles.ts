/**
 * Exclusive feature bundles (LightGBM's EFB, issue 9): two-valued columns that are never "on" in the
 * same row — the one-hot columns of one categorical above all — are grouped, and each row gets one
 * code per bundle: which of the bundle's columns is on in it (or "none"). One pass over a node's rows
 * then gives the statistics of every column of a bundle at once (the rows on in column c are the
 * rows with code c), where the tree builder would otherwise scan the rows once per drawn column;
 * with histogram subtraction (sibling = parent − child) most nodes never scan at all.
 *
 * A column is "on" in a row when the row falls in its minority bin (bin 1 of a one-hot column).
 * Bundles are found on the fitted rows, greedy first fit in column order, so exclusivity is a fact
 * of these rows, not an assumption about the encoder.
 */
import type { BinnedMatrix } from './binner.js';

/** Most codes per bundle: a code is a byte and the last value means "none of the bundle's columns". */
const MAX_BUNDLE_COLUMNS = 254;
/** Bundles under construction that a column tries before it is left out: bounds the search and its n bytes per bundle. */
const MAX_OPEN_BUNDLES = 32;
/** Code of a row in no column of a bundle while bundles are being built. */
const NONE = 255;

/** Bundles of a binned matrix's exclusive two-valued columns; see the file comment. */
export interface ExclusiveBundles {
  readonly nBundles: number;
  /** Bundle of each feature, −1 when the feature is in none. */
  readonly bundleOf: Int32Array;
  /** Code of each bundled feature inside its bundle (0 … size − 1). */
  readonly codeOf: Int32Array;
  /** The bin in which each bundled feature is "on" (its minority bin, 1 for one-hot columns). */
  readonly onBin: Uint8Array;
  /** First histogram slot of each bundle: a bundle of k columns has k + 1 slots, the last for "none". */
  readonly slotOffset: Int32Array;
  /** Histogram slots over all bundles. */
  readonly nSlots: number;
  /** Row-major codes: position i's code in bundle g at `codes[i·nBundles + g]`, k for "none". */
  readonly codes: Uint8Array;
}

/**
 * Finds the bundles of `binned` (positions = fitted rows). @returns null when fewer than two
 * two-valued columns share a bundle (nothing to gain).
 */
export function findExclusiveBundles(binned: BinnedMatrix): ExclusiveBundles | null {
  const n = binned.nRows;
  const p = binned.columns.length;
  const open: Uint8Array[] = [];
  const openMembers: number[][] = [];
  const onRows = new Uint32Array(n);
  for (let f = 0; f < p; f++) {
    if (binned.nBins[f] !== 2) continue;
    const bins = binned.columns[f]!;
    // Count bin 1 and reject columns with missing values (bin 2): the two-bin paths take none.
    let ones = 0;
    let missing = 0;
    for (let i = 0; i < n; i++) {
      const b = bins[i]!;
      ones += b & 1;
      missing |= b >> 1;
    }
    if (missing !== 0) continue;
    const onBin = ones <= n - ones ? 1 : 0;
    let nOn = 0;
    for (let i = 0; i < n; i++) if (bins[i] === onBin) onRows[nOn++] = i;
    let placed = false;
    for (let g = 0; g < open.length && !placed; g++) {
      if (openMembers[g]!.length >= MAX_BUNDLE_COLUMNS) continue;
      const codes = open[g]!;
      let clash = false;
      for (let i = 0; i < nOn && !clash; i++) clash = codes[onRows[i]!] !== NONE;
      if (clash) continue;
      const code = openMembers[g]!.length;
      for (let i = 0; i < nOn; i++) codes[onRows[i]!] = code;
      openMembers[g]!.push(f * 2 + onBin);
      placed = true;
    }
    if (!placed && open.length < MAX_OPEN_BUNDLES) {
      const codes = new Uint8Array(n).fill(NONE);
      for (let i = 0; i < nOn; i++) codes[onRows[i]!] = 0;
      open.push(codes);
      openMembers.push([f * 2 + onBin]);
    }
  }
  const kept: number[] = [];
  for (let g = 0; g < open.length; g++) if (openMembers[g]!.length >= 2) kept.push(g);
  if (kept.length === 0) return null;

  const nBundles = kept.length;
  const bundleOf = new Int32Array(p).fill(-1);
  const codeOf = new Int32Array(p);
  const onBin = new Uint8Array(p);
  const slotOffset = new Int32Array(nBundles);
  let nSlots = 0;
  for (let k = 0; k < nBundles; k++) {
    const members = openMembers[kept[k]!]!;
    slotOffset[k] = nSlots;
    nSlots += members.length + 1;
    for (let c = 0; c < members.length; c++) {
      const f = members[c]! >> 1;
      bundleOf[f] = k;
      codeOf[f] = c;
      onBin[f] = members[c]! & 1;
    }
  }
  const codes = new Uint8Array(n * nBundles);
  for (let k = 0; k < nBundles; k++) {
    const source = open[kept[k]!]!;
    const none = openMembers[kept[k]!]!.length;
    for (let i = 0; i < n; i++) {
      const c = source[i]!;
      codes[i * nBundles + k] = c === NONE ? none : c;
    }
  }
  return { nBundles, bundleOf, codeOf, onBin, slotOffset, nSlots, codes };
}
