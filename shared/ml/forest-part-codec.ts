/**
 * The bytes of one tree range of a split final fit (fold jobs): its pipeline as JSON with the forest's
 * node arrays left empty, then the node arrays as raw typed-array bytes. A range's 0.25M nodes as JSON
 * took longer to write, parse and validate than the merge's evaluation; as bytes they are copies.
 *
 * Layout: u32 LE header length, header JSON `{pipeline, nodes, nOutputs, nFeatures, roots}`, zero
 * padding to 8 bytes, then threshold (f64 × nodes), value (f64 × nodes × nOutputs), feature, left,
 * right (i32 × nodes), missingLeft (u8 × nodes).
 */
import { z } from 'zod';
import { InvalidInputError } from '../errors/index.js';
import type { ForestNodes } from './models/tree/merge-forest-nodes.js';
import type { PipelineJSON } from './pipeline.js';

const NODE_ARRAYS = ['roots', 'feature', 'threshold', 'left', 'right', 'missingLeft', 'value'] as const;

const HeaderSchema = z.object({
  pipeline: z.looseObject({ model: z.looseObject({}) }),
  nodes: z.number().int().min(0),
  nOutputs: z.number().int().min(1),
  nFeatures: z.number().int().min(0),
  roots: z.array(z.number().int().min(0)),
});

export interface ForestPart {
  /** The range's pipeline with empty node arrays: a forest of no trees, cheap to load. */
  pipeline: PipelineJSON;
  nodes: ForestNodes;
}

/** `pipeline` is the range's toJSON(); `nodes` its forest's node arrays (the used part: `size` nodes). */
export function encodeForestPart(
  pipeline: PipelineJSON,
  nodes: Pick<ForestNodes, 'nFeatures' | 'roots' | 'feature' | 'threshold' | 'left' | 'right' | 'missingLeft' | 'value'> & { size: number; nOutputs: number },
): Buffer {
  const n = nodes.size;
  const k = nodes.nOutputs;
  const model: Record<string, unknown> = { ...(pipeline.model as Record<string, unknown>) };
  for (const name of NODE_ARRAYS) model[name] = [];
  const header = Buffer.from(
    JSON.stringify({ pipeline: { ...pipeline, model }, nodes: n, nOutputs: k, nFeatures: nodes.nFeatures, roots: nodes.roots }),
    'utf8',
  );
  const start = align8(4 + header.length);
  const length = start + n * 8 * (1 + k) + n * 12 + n;
  const out = Buffer.alloc(length);
  out.writeUInt32LE(header.length, 0);
  header.copy(out, 4);
  let at = start;
  for (const array of [
    nodes.threshold.subarray(0, n),
    nodes.value.subarray(0, n * k),
    nodes.feature.subarray(0, n),
    nodes.left.subarray(0, n),
    nodes.right.subarray(0, n),
    nodes.missingLeft.subarray(0, n),
  ]) {
    const bytes = Buffer.from(array.buffer, array.byteOffset, array.byteLength);
    bytes.copy(out, at);
    at += bytes.length;
  }
  return out;
}

/** @throws InvalidInputError INVALID_ARTIFACT when the bytes are not an encoded forest part. */
export function decodeForestPart(bytes: Buffer): ForestPart {
  const bad = (why: string): never => {
    throw new InvalidInputError('INVALID_ARTIFACT', `tree range part is malformed: ${why}`);
  };
  if (bytes.length < 4) bad('too short');
  const headerLength = bytes.readUInt32LE(0);
  if (4 + headerLength > bytes.length) bad('header past the end');
  let raw: unknown;
  try {
    raw = JSON.parse(bytes.toString('utf8', 4, 4 + headerLength));
  } catch {
    bad('header is not JSON');
  }
  const parsed = HeaderSchema.safeParse(raw);
  if (!parsed.success) return bad(`header: ${parsed.error.issues[0]?.message ?? 'invalid'}`);
  const { nodes: n, nOutputs: k, nFeatures, roots } = parsed.data;
  let at = align8(4 + headerLength);
  if (at + n * 8 * (1 + k) + n * 13 !== bytes.length) bad(`${bytes.length} bytes for ${n} nodes`);
  // Copies: a Buffer's bytes may sit at any offset of its pool, typed arrays need their alignment.
  const take = (byteLength: number): ArrayBuffer => {
    const copy = new ArrayBuffer(byteLength);
    bytes.copy(new Uint8Array(copy), 0, at, at + byteLength);
    at += byteLength;
    return copy;
  };
  return {
    pipeline: parsed.data.pipeline as unknown as PipelineJSON,
    nodes: {
      nFeatures,
      roots,
      threshold: new Float64Array(take(n * 8)),
      value: new Float64Array(take(n * k * 8)),
      feature: new Int32Array(take(n * 4)),
      left: new Int32Array(take(n * 4)),
      right: new Int32Array(take(n * 4)),
      missingLeft: new Uint8Array(take(n)),
    },
  };
}

function align8(offset: number): number {
  return (offset + 7) & ~7;
}
