/**
 * How the node arrays of a tree artefact are written and read. A 100-tree full-depth forest has ~2M
 * nodes: as plain JSON number arrays its six arrays took ~100 MB of JS arrays before a byte was
 * written and ~130 MB of decimal text after (issue 9: most of a regression trial's peak memory). They
 * are now written as `{ dtype, base64 }`: the array's bytes, little-endian, in base64 (a third less
 * text, no per-element work to write or parse).
 *
 * `toJSON()` of a tree model hands out {@link Int32NodeArray} / {@link Float64NodeArray} /
 * {@link Uint8NodeArray} views of the store's used part — no copy — that read like arrays in process
 * (the ONNX export indexes them) and turn into base64 only inside `JSON.stringify`, one array at a time.
 * Readers accept the three forms: such a view, `{ dtype, base64 }`, and the plain number array of
 * artefacts written before (still loadable).
 */
import { Buffer } from 'node:buffer';
import { z } from 'zod';

/** Element type of an encoded node array. */
export type NodeArrayType = 'int32' | 'float64' | 'uint8';

/** A node array as an artefact stores it. */
export interface EncodedNodeArray {
  dtype: NodeArrayType;
  base64: string;
}

const LITTLE_ENDIAN = new Uint8Array(Uint16Array.of(1).buffer)[0] === 1;

const BYTES: Record<NodeArrayType, number> = { int32: 4, float64: 8, uint8: 1 };

function encode(view: Int32Array | Float64Array | Uint8Array, dtype: NodeArrayType): EncodedNodeArray {
  let bytes = Buffer.from(view.buffer, view.byteOffset, view.byteLength);
  if (!LITTLE_ENDIAN && BYTES[dtype] > 1) {
    bytes = Buffer.from(bytes);
    if (dtype === 'int32') bytes.swap32();
    else bytes.swap64();
  }
  return { dtype, base64: bytes.toString('base64') };
}

/** An Int32Array view that serialises as `{ dtype: 'int32', base64 }`. */
export class Int32NodeArray extends Int32Array {
  toJSON(): EncodedNodeArray {
    return encode(this, 'int32');
  }
}

/** A Float64Array view that serialises as `{ dtype: 'float64', base64 }`. */
export class Float64NodeArray extends Float64Array {
  toJSON(): EncodedNodeArray {
    return encode(this, 'float64');
  }
}

/** A Uint8Array view that serialises as `{ dtype: 'uint8', base64 }`. */
export class Uint8NodeArray extends Uint8Array {
  toJSON(): EncodedNodeArray {
    return encode(this, 'uint8');
  }
}

/**
 * Bytes of an encoded array in host order, or a message saying what is wrong. The decoded Buffer is
 * copied into a fresh, aligned array buffer (a pooled Buffer may start at any offset).
 */
function decode(encoded: EncodedNodeArray, dtype: NodeArrayType): ArrayBuffer | string {
  if (encoded.dtype !== dtype) return `holds ${encoded.dtype} values, expected ${dtype}`;
  const bytes = Buffer.from(encoded.base64, 'base64');
  if (bytes.length % BYTES[dtype] !== 0) return `holds ${bytes.length} bytes, not a whole number of ${dtype} values`;
  const copy = new Uint8Array(bytes.length);
  copy.set(bytes);
  if (!LITTLE_ENDIAN && BYTES[dtype] > 1) {
    const swapped = Buffer.from(copy.buffer);
    if (dtype === 'int32') swapped.swap32();
    else swapped.swap64();
  }
  return copy.buffer;
}

const EncodedSchema = z.object({ dtype: z.enum(['int32', 'float64', 'uint8']), base64: z.string() });

/**
 * zod schema of one node array stored as `dtype`: accepts a typed array of that type (in process),
 * `{ dtype, base64 }` or a plain number array (older artefacts), and outputs the typed array.
 * `element` checks each value of a plain array (the encoded forms are checked by the node store).
 */
export function nodeArraySchema<T extends Int32Array | Float64Array | Uint8Array>(
  dtype: NodeArrayType,
  make: (source: ArrayBuffer | ArrayLike<number>) => T,
  element: z.ZodType<number>,
): z.ZodType<T> {
  const typed = dtype === 'int32' ? Int32Array : dtype === 'float64' ? Float64Array : Uint8Array;
  return z.union([z.instanceof(typed), EncodedSchema, z.array(element)]).transform((value, ctx): T => {
    if (value instanceof typed) return value as T;
    if (Array.isArray(value)) return make(value);
    const bytes = decode(value as EncodedNodeArray, dtype);
    if (typeof bytes === 'string') {
      ctx.addIssue({ code: 'custom', message: `node array ${bytes}` });
      return z.NEVER;
    }
    return make(bytes);
  });
}
