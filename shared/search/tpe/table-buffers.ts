/**
 * Typed-array scratch space reused from one ask() to the next (mljs-style caller-supplied buffers).
 * An ask over 10,000 trials would otherwise allocate ~0.5 MB of short-lived typed arrays, whose
 * backing stores drive extra garbage collections and show up as latency spikes. Only the
 * allocation is shared: every view handed out is fully written before it is read, so results
 * never depend on what an earlier ask left behind. Not re-entrant (ask() is synchronous).
 */
export class TableBuffers {
  private readonly pool = new Map<string, Uint8Array | Int32Array | Uint32Array | Float64Array>();
  /** A plain array of references (the trials' params), written by index and never shrunk. */
  readonly references: unknown[] = [];

  uint8(name: string, length: number): Uint8Array {
    return this.view(name, length, (n) => new Uint8Array(n));
  }

  int32(name: string, length: number): Int32Array {
    return this.view(name, length, (n) => new Int32Array(n));
  }

  uint32(name: string, length: number): Uint32Array {
    return this.view(name, length, (n) => new Uint32Array(n));
  }

  float64(name: string, length: number): Float64Array {
    return this.view(name, length, (n) => new Float64Array(n));
  }

  private view<T extends Uint8Array | Int32Array | Uint32Array | Float64Array>(name: string, length: number, make: (n: number) => T): T {
    let buffer = this.pool.get(name) as T | undefined;
    if (buffer === undefined || buffer.length < length) {
      // Grow by half again so a slowly growing sweep reallocates rarely.
      buffer = make(Math.max(length, Math.ceil((buffer?.length ?? 0) * 1.5), 64));
      this.pool.set(name, buffer);
    }
    return buffer.subarray(0, length) as T;
  }
}
