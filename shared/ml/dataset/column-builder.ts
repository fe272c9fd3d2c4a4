/**
 * Builds one column while a file is read, in fixed-size blocks (no capacity guess, no doubling, so a
 * gzip stream of unknown size costs no more than a plain file). A column of unknown type starts
 * numeric and turns categorical at its first non-numeric value; `finish` copies the blocks into one
 * exact typed array, column by column, so peak memory stays near the final columnar size.
 */
import { sortedCategoryOrder } from './category-order.js';
import { ByteDictionary } from './byte-dictionary.js';
import type { Column } from './table.js';

export const BLOCK_BITS = 16;
export const BLOCK_ROWS = 1 << BLOCK_BITS;
export const BLOCK_MASK = BLOCK_ROWS - 1;

export const NUMERIC = 0;
export const CATEGORICAL = 1;

/** The first value that made an inferred column categorical (for messages). */
export interface FirstText {
  line: number;
  value: string;
}

export class ColumnBuilder {
  kind: typeof NUMERIC | typeof CATEGORICAL;
  readonly name: string;
  readonly declared: 'numeric' | 'categorical' | null;
  numBlocks: Float64Array[] = [];
  catBlocks: Int32Array[] = [];
  readonly dict = new ByteDictionary();
  /** Decoded-string → id cache, for readers that hand over JS strings (Parquet). */
  private stringIds: Map<string, number> | null = null;
  firstText: FirstText | null = null;

  constructor(name: string, declared: 'numeric' | 'categorical' | null) {
    this.name = name;
    this.declared = declared;
    this.kind = declared === 'categorical' ? CATEGORICAL : NUMERIC;
  }

  /** Makes sure the block holding `row` exists. */
  ensureRow(row: number): void {
    const block = row >>> BLOCK_BITS;
    if (this.kind === NUMERIC) {
      while (this.numBlocks.length <= block) this.numBlocks.push(new Float64Array(BLOCK_ROWS));
    } else {
      while (this.catBlocks.length <= block) this.catBlocks.push(new Int32Array(BLOCK_ROWS));
    }
  }

  /**
   * Turns an inferred numeric column categorical: rows [0, nRows) become the text of their number
   * (`String(v)`, so `1.50` reads back as `1.5`: declare such a column categorical to keep its text).
   */
  toCategorical(nRows: number, firstText: FirstText): void {
    this.firstText = firstText;
    const blocks = this.numBlocks;
    this.kind = CATEGORICAL;
    this.numBlocks = [];
    const ids = new Map<number, number>();
    for (let b = 0; b < blocks.length; b++) {
      const values = blocks[b]!;
      const codes = new Int32Array(BLOCK_ROWS);
      const end = Math.min(BLOCK_ROWS, nRows - b * BLOCK_ROWS);
      for (let i = 0; i < end; i++) {
        const v = values[i]!;
        if (v !== v) {
          codes[i] = -1;
          continue;
        }
        let id = ids.get(v);
        if (id === undefined) {
          id = this.dict.idOfString(String(v));
          ids.set(v, id);
        }
        codes[i] = id;
      }
      this.catBlocks.push(codes);
    }
  }

  /** Code of a decoded string value (null/undefined = missing). */
  codeOfString(value: string): number {
    let ids = this.stringIds;
    if (ids === null) ids = this.stringIds = new Map<string, number>();
    let id = ids.get(value);
    if (id === undefined) {
      id = this.dict.idOfString(value);
      ids.set(value, id);
    }
    return id;
  }

  /** Numeric values of rows [0, nRows) as one exact array (blocks are released). */
  finishNumeric(nRows: number): Float64Array {
    const out = new Float64Array(nRows);
    const blocks = this.numBlocks;
    for (let b = 0; b < blocks.length && b * BLOCK_ROWS < nRows; b++) {
      const start = b * BLOCK_ROWS;
      const block = blocks[b]!;
      out.set(nRows - start >= BLOCK_ROWS ? block : block.subarray(0, nRows - start), start);
      blocks[b] = EMPTY_F64; // release as we go
    }
    this.numBlocks = [];
    return out;
  }

  /**
   * Codes of rows [0, nRows) with the dictionary sorted (category-order.ts) and pruned to the values
   * that occur (a record cut at a chunk boundary may have added one that was then re-read).
   */
  finishCategorical(nRows: number): { codes: Int32Array; categories: string[]; counts: Int32Array } {
    const codes = new Int32Array(nRows);
    const blocks = this.catBlocks;
    for (let b = 0; b < blocks.length && b * BLOCK_ROWS < nRows; b++) {
      const start = b * BLOCK_ROWS;
      const block = blocks[b]!;
      codes.set(nRows - start >= BLOCK_ROWS ? block : block.subarray(0, nRows - start), start);
      blocks[b] = EMPTY_I32;
    }
    this.catBlocks = [];
    const rawCounts = new Int32Array(this.dict.size);
    for (let i = 0; i < nRows; i++) {
      const code = codes[i]!;
      if (code >= 0) rawCounts[code]!++;
    }
    const all = this.dict.strings();
    const used: string[] = [];
    const usedIds: number[] = [];
    for (let id = 0; id < all.length; id++) {
      if (rawCounts[id]! > 0) {
        used.push(all[id]!);
        usedIds.push(id);
      }
    }
    const order = sortedCategoryOrder(used);
    const remap = new Int32Array(all.length).fill(-1);
    const categories: string[] = new Array<string>(order.length);
    const counts = new Int32Array(order.length);
    for (let k = 0; k < order.length; k++) {
      const id = usedIds[order[k]!]!;
      categories[k] = all[id]!;
      counts[k] = rawCounts[id]!;
      remap[id] = k;
    }
    for (let i = 0; i < nRows; i++) {
      const code = codes[i]!;
      if (code >= 0) codes[i] = remap[code]!;
    }
    return { codes, categories, counts };
  }

  /** The finished column. */
  finish(nRows: number): Column {
    if (this.kind === NUMERIC) return { type: 'numeric', name: this.name, values: this.finishNumeric(nRows) };
    const { codes, categories } = this.finishCategorical(nRows);
    return { type: 'categorical', name: this.name, codes, categories };
  }
}

const EMPTY_F64 = new Float64Array(0);
const EMPTY_I32 = new Int32Array(0);
