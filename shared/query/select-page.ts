/**
 * Picks one page of a sorted order without sorting everything: the items that would sit at positions
 * [offset, offset + limit) if `items` were sorted by `compare`, in that order.
 *
 * - A shallow page (offset + limit ≪ items) keeps a bounded max-heap of the best offset + limit
 *   items: one pass, and past the first few thousand items almost every one is rejected with a single
 *   comparison against the heap's worst.
 * - A deep page (offset 50,000 of 100,000) runs the partial quicksort of partial-quicksort.ts with
 *   median-of-three pivots.
 *
 * `compare` must be a strict total order (never 0 for distinct items); the query engine guarantees it
 * by ending every comparison with the item id.
 */

import { partialQuicksort } from './partial-quicksort.js';

export type ItemComparator = (a: number, b: number) => number;

/** Use the heap when the kept prefix is at most this fraction of the items. */
const HEAP_FRACTION = 8;

/** True when a page ending at `end` of `count` items is shallow enough for the heap. */
export function prefersHeap(count: number, end: number): boolean {
  return end * HEAP_FRACTION <= count;
}

/**
 * @param items candidate item ids; reordered in place.
 * @returns a new array of at most `limit` item ids.
 */
export function selectPage(items: Uint32Array, offset: number, limit: number, compare: ItemComparator): Uint32Array {
  const m = items.length;
  const end = Math.min(m, offset + limit);
  if (offset >= end) return new Uint32Array(0);
  if (prefersHeap(m, end)) return selectWithHeap(items, offset, end, compare);
  partialSort(items, offset, end, compare);
  return items.slice(offset, end);
}

function selectWithHeap(items: Uint32Array, offset: number, k: number, compare: ItemComparator): Uint32Array {
  const heap = new Uint32Array(k);
  let size = 0;
  for (let i = 0; i < items.length; i++) {
    const item = items[i]!;
    if (size < k) {
      // Sift up: the heap keeps its worst (largest) item at the root.
      let child = size++;
      while (child > 0) {
        const parent = (child - 1) >> 1;
        const p = heap[parent]!;
        if (compare(p, item) >= 0) break;
        heap[child] = p;
        child = parent;
      }
      heap[child] = item;
    } else if (compare(item, heap[0]!) < 0) {
      siftDown(heap, item, k, compare);
    }
  }
  heap.sort(compare);
  return heap.slice(offset, k);
}

/** Replaces the root with `item` and restores the max-heap. */
function siftDown(heap: Uint32Array, item: number, size: number, compare: ItemComparator): void {
  let parent = 0;
  for (;;) {
    let child = 2 * parent + 1;
    if (child >= size) break;
    const right = child + 1;
    if (right < size && compare(heap[right]!, heap[child]!) > 0) child = right;
    const c = heap[child]!;
    if (compare(c, item) <= 0) break;
    heap[parent] = c;
    parent = child;
  }
  heap[parent] = item;
}

/** Sorts `a` just enough that positions [from, to) hold their final items, in order. */
function partialSort(a: Uint32Array, from: number, to: number, compare: ItemComparator): void {
  partialQuicksort(a.length, from, to, {
    partition: (lo, hi) => partition(a, lo, hi, compare),
    insertionSort: (lo, hi) => insertionSort(a, lo, hi, compare),
    sortRange: (lo, hi) => void a.subarray(lo, hi + 1).sort(compare),
  });
}

/** Hoare partition around the median of a[lo], a[mid], a[hi]; returns the last index of the left part. */
function partition(a: Uint32Array, lo: number, hi: number, compare: ItemComparator): number {
  const mid = lo + ((hi - lo) >> 1);
  if (compare(a[mid]!, a[lo]!) < 0) swap(a, mid, lo);
  if (compare(a[hi]!, a[lo]!) < 0) swap(a, hi, lo);
  if (compare(a[hi]!, a[mid]!) < 0) swap(a, hi, mid);
  const pivot = a[mid]!;
  let i = lo - 1;
  let j = hi + 1;
  for (;;) {
    do i++;
    while (compare(a[i]!, pivot) < 0);
    do j--;
    while (compare(a[j]!, pivot) > 0);
    if (i >= j) return j;
    swap(a, i, j);
  }
}

function insertionSort(a: Uint32Array, lo: number, hi: number, compare: ItemComparator): void {
  for (let i = lo + 1; i <= hi; i++) {
    const item = a[i]!;
    let j = i - 1;
    while (j >= lo && compare(a[j]!, item) > 0) {
      a[j + 1] = a[j]!;
      j--;
    }
    a[j + 1] = item;
  }
}

function swap(a: Uint32Array, i: number, j: number): void {
  const t = a[i]!;
  a[i] = a[j]!;
  a[j] = t;
}
