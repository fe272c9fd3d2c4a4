/**
 * A dictionary of byte strings → dense ids, for reading categorical cells straight from file bytes:
 * a cell is hashed and compared in place (FNV-1a, open addressing), so a repeated category costs no
 * allocation and no JS string. Strings are decoded once per distinct value, at the end.
 */

const EMPTY = -1;
const decoder = new TextDecoder('utf-8');
const encoder = new TextEncoder();

export class ByteDictionary {
  /** Concatenated bytes of every entry. */
  private arena = new Uint8Array(1024);
  private arenaUsed = 0;
  /** Entry id → start in the arena; entry length is starts[id + 1] - starts[id]. */
  private starts = new Int32Array(65);
  private hashes = new Int32Array(64);
  /** Open-addressing table of entry ids (EMPTY when free); its length is a power of two. */
  private table = new Int32Array(128).fill(EMPTY);
  size = 0;

  /** Id of bytes[start, end), inserted when new. */
  idOf(bytes: Uint8Array, start: number, end: number): number {
    let hash = 0x811c9dc5 | 0;
    for (let i = start; i < end; i++) hash = Math.imul(hash ^ bytes[i]!, 0x01000193);
    const table = this.table;
    const mask = table.length - 1;
    let slot = hash & mask;
    const length = end - start;
    for (;;) {
      const id = table[slot]!;
      if (id === EMPTY) break;
      if (this.hashes[id] === hash) {
        const from = this.starts[id]!;
        if (this.starts[id + 1]! - from === length) {
          const arena = this.arena;
          let same = true;
          for (let i = 0; i < length; i++) {
            if (arena[from + i] !== bytes[start + i]) {
              same = false;
              break;
            }
          }
          if (same) return id;
        }
      }
      slot = (slot + 1) & mask;
    }
    return this.insert(bytes, start, end, hash, slot);
  }

  /** Id of a JS string (UTF-8 encoded first): for readers that receive decoded strings. */
  idOfString(value: string): number {
    const bytes = encoder.encode(value);
    return this.idOf(bytes, 0, bytes.length);
  }

  /** Every entry decoded as UTF-8 (invalid sequences become U+FFFD), in id order. */
  strings(): string[] {
    const out: string[] = new Array<string>(this.size);
    for (let id = 0; id < this.size; id++) out[id] = decoder.decode(this.arena.subarray(this.starts[id], this.starts[id + 1]));
    return out;
  }

  private insert(bytes: Uint8Array, start: number, end: number, hash: number, slot: number): number {
    const id = this.size;
    const length = end - start;
    if (this.arenaUsed + length > this.arena.length) {
      const grown = new Uint8Array(Math.max(this.arena.length * 2, this.arenaUsed + length));
      grown.set(this.arena.subarray(0, this.arenaUsed));
      this.arena = grown;
    }
    this.arena.set(bytes.subarray(start, end), this.arenaUsed);
    if (id + 2 > this.starts.length) {
      const starts = new Int32Array(this.starts.length * 2);
      starts.set(this.starts);
      this.starts = starts;
      const hashes = new Int32Array(this.hashes.length * 2);
      hashes.set(this.hashes);
      this.hashes = hashes;
    }
    this.starts[id] = this.arenaUsed;
    this.arenaUsed += length;
    this.starts[id + 1] = this.arenaUsed;
    this.hashes[id] = hash;
    this.table[slot] = id;
    this.size = id + 1;
    if (this.size * 2 > this.table.length) this.rehash();
    return id;
  }

  private rehash(): void {
    const table = new Int32Array(this.table.length * 2).fill(EMPTY);
    const mask = table.length - 1;
    for (let id = 0; id < this.size; id++) {
      let slot = this.hashes[id]! & mask;
      while (table[slot] !== EMPTY) slot = (slot + 1) & mask;
      table[slot] = id;
    }
    this.table = table;
  }
}
