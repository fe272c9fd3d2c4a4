import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { decodeRleHybrid } from '../../../shared/ml/dataset/parquet-rle.js';

/** Encodes values as the hybrid format: alternating RLE runs and bit-packed groups of 8. */
function encode(values: readonly number[], bitWidth: number): Uint8Array {
  const out: number[] = [];
  const varint = (v: number) => {
    do {
      let b = v & 0x7f;
      v >>>= 7;
      if (v > 0) b |= 0x80;
      out.push(b);
    } while (v > 0);
  };
  let i = 0;
  let rle = true;
  while (i < values.length) {
    if (rle) {
      let run = 1;
      while (i + run < values.length && values[i + run] === values[i] && run < 20) run++;
      varint(run << 1);
      for (let b = 0; b < Math.ceil(bitWidth / 8); b++) out.push(Math.floor(values[i]! / 2 ** (8 * b)) & 0xff);
      i += run;
    } else {
      const groups = Math.ceil(Math.min(16, values.length - i) / 8);
      varint((groups << 1) | 1);
      let acc = 0n;
      let bits = 0n;
      for (let k = 0; k < groups * 8; k++) {
        acc |= BigInt(values[i + k] ?? 0) << bits;
        bits += BigInt(bitWidth);
      }
      for (let b = 0; b < groups * bitWidth; b++) out.push(Number((acc >> BigInt(8 * b)) & 0xffn));
      i += groups * 8;
    }
    rle = !rle;
  }
  return Uint8Array.from(out);
}

describe('decodeRleHybrid', () => {
  for (const bitWidth of [1, 2, 3, 7, 8, 9, 13, 17, 24, 25, 31]) {
    it(`round-trips runs and bit-packed groups of width ${bitWidth}`, () => {
      const max = 2 ** bitWidth;
      const values = Array.from({ length: 203 }, (_, i) => (i % 37 < 9 ? 5 % max : (i * 2654435761) % max));
      const bytes = encode(values, bitWidth);
      const out = new Int32Array(values.length);
      const end = decodeRleHybrid(bytes, 0, bytes.length, bitWidth, values.length, out);
      assert.deepEqual(Array.from(out), values);
      assert.ok(end <= bytes.length);
    });
  }
});
