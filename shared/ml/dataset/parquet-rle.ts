/**
 * Parquet's RLE / bit-packed hybrid encoding (definition levels, dictionary indices), decoded into a
 * caller-owned Int32Array: hyparquet's own decoder fills a fresh JS array per page, which costs more in
 * garbage collection than in decoding for large files.
 * Spec: https://parquet.apache.org/docs/file-format/data-pages/encodings/#run-length-encoding--bit-packing-hybrid-rle--3
 */

/**
 * Decodes `count` values of `bitWidth` bits from bytes[offset, end) into out[0, count).
 * @returns the offset after the last byte read.
 */
export function decodeRleHybrid(bytes: Uint8Array, offset: number, end: number, bitWidth: number, count: number, out: Int32Array): number {
  let p = offset;
  let n = 0;
  const byteWidth = (bitWidth + 7) >>> 3;
  const mask = bitWidth >= 32 ? -1 : (1 << bitWidth) - 1;
  while (n < count && p < end) {
    // ULEB128 header.
    let header = 0;
    let shift = 0;
    for (;;) {
      const b = bytes[p++]!;
      header |= (b & 0x7f) << shift;
      if ((b & 0x80) === 0) break;
      shift += 7;
    }
    if ((header & 1) === 0) {
      const run = header >>> 1;
      let value = 0;
      for (let i = 0; i < byteWidth; i++) value |= bytes[p++]! << (8 * i);
      const stop = Math.min(count, n + run);
      out.fill(value, n, stop);
      n = stop;
    } else {
      const values = (header >>> 1) * 8;
      const stop = Math.min(count, n + values);
      // LSB-first bit stream; integer arithmetic while the buffer fits in 32 bits.
      let q = p;
      if (bitWidth <= 24) {
        let buffer = 0;
        let bits = 0;
        for (; n < stop; n++) {
          while (bits < bitWidth) {
            buffer |= bytes[q++]! << bits;
            bits += 8;
          }
          out[n] = buffer & mask;
          buffer >>>= bitWidth;
          bits -= bitWidth;
        }
      } else {
        let buffer = 0;
        let bits = 0;
        for (; n < stop; n++) {
          while (bits < bitWidth) {
            buffer += bytes[q++]! * 2 ** bits;
            bits += 8;
          }
          out[n] = buffer % 2 ** bitWidth;
          buffer = Math.floor(buffer / 2 ** bitWidth);
          bits -= bitWidth;
        }
      }
      p += (header >>> 1) * bitWidth;
    }
  }
  return p;
}
