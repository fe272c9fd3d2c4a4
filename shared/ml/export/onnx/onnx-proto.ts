/**
 * The subset of onnx.proto (IR version 8) the exporter writes, as plain TypeScript values, and their
 * encoding with {@link ProtobufWriter}. Field numbers are onnx.proto's; fields are written in field
 * number order so the same model always encodes to the same bytes.
 *
 * Numeric tensors go into `raw_data` (little-endian), which every runtime reads and which keeps
 * doubles bit-exact; string tensors use `string_data`.
 */
import { ProtobufWriter } from './protobuf-writer.js';

/** Element types the exporter uses. */
export type ElemType = 'float' | 'double' | 'int64' | 'bool' | 'string';

/** TensorProto.DataType codes. */
const DATA_TYPE: Record<ElemType, number> = { float: 1, int64: 7, string: 8, bool: 9, double: 11 };

export type TensorData =
  | { type: 'double'; values: Float64Array }
  | { type: 'float'; values: Float32Array }
  | { type: 'int64'; values: BigInt64Array }
  | { type: 'bool'; values: Uint8Array }
  | { type: 'string'; values: readonly string[] };

export interface TensorProto {
  name: string;
  dims: readonly number[];
  data: TensorData;
}

export type AttributeValue =
  | { type: 'int'; value: number }
  | { type: 'float'; value: number }
  | { type: 'string'; value: string }
  | { type: 'ints'; value: readonly number[] }
  | { type: 'floats'; value: readonly number[] }
  | { type: 'strings'; value: readonly string[] }
  | { type: 'tensor'; value: TensorProto };

/** AttributeProto.AttributeType codes. */
const ATTRIBUTE_TYPE: Record<AttributeValue['type'], number> = { float: 1, int: 2, string: 3, tensor: 4, floats: 6, ints: 7, strings: 8 };

export interface NodeProto {
  name: string;
  opType: string;
  /** '' for the default `ai.onnx` domain. */
  domain: string;
  inputs: readonly string[];
  outputs: readonly string[];
  attributes: ReadonlyArray<{ name: string; value: AttributeValue }>;
}

/** A dimension: a fixed size or a symbolic name (`N`). */
export type Dim = number | string;

export interface ValueInfoProto {
  name: string;
  elemType: ElemType;
  shape: readonly Dim[];
  docString?: string;
}

export interface GraphProto {
  name: string;
  docString: string;
  nodes: readonly NodeProto[];
  initializers: readonly TensorProto[];
  inputs: readonly ValueInfoProto[];
  outputs: readonly ValueInfoProto[];
}

export interface OpsetId {
  domain: string;
  version: number;
}

export interface ModelProto {
  irVersion: number;
  opsets: readonly OpsetId[];
  producerName: string;
  producerVersion: string;
  domain: string;
  modelVersion: number;
  docString: string;
  graph: GraphProto;
  /** `metadata_props`, in insertion order. */
  metadata: ReadonlyArray<readonly [string, string]>;
}

/** Serializes a ModelProto. */
export function encodeModel(model: ModelProto): Uint8Array {
  const w = new ProtobufWriter();
  w.int64(1, model.irVersion);
  w.string(2, model.producerName);
  w.string(3, model.producerVersion);
  if (model.domain !== '') w.string(4, model.domain);
  w.int64(5, model.modelVersion);
  if (model.docString !== '') w.string(6, model.docString);
  w.message(7, (g) => writeGraph(g, model.graph));
  for (const opset of model.opsets) {
    w.message(8, (o) => {
      o.string(1, opset.domain);
      o.int64(2, opset.version);
    });
  }
  for (const [key, value] of model.metadata) w.message(14, (e) => e.string(1, key).string(2, value));
  return w.finish();
}

function writeGraph(w: ProtobufWriter, graph: GraphProto): void {
  for (const node of graph.nodes) w.message(1, (n) => writeNode(n, node));
  w.string(2, graph.name);
  for (const tensor of graph.initializers) w.message(5, (t) => writeTensor(t, tensor));
  if (graph.docString !== '') w.string(10, graph.docString);
  for (const input of graph.inputs) w.message(11, (v) => writeValueInfo(v, input));
  for (const output of graph.outputs) w.message(12, (v) => writeValueInfo(v, output));
}

function writeNode(w: ProtobufWriter, node: NodeProto): void {
  for (const input of node.inputs) w.string(1, input);
  for (const output of node.outputs) w.string(2, output);
  w.string(3, node.name);
  w.string(4, node.opType);
  for (const attribute of node.attributes) w.message(5, (a) => writeAttribute(a, attribute.name, attribute.value));
  if (node.domain !== '') w.string(7, node.domain);
}

function writeAttribute(w: ProtobufWriter, name: string, attribute: AttributeValue): void {
  w.string(1, name);
  switch (attribute.type) {
    case 'float':
      w.float(2, attribute.value);
      break;
    case 'int':
      w.int64(3, attribute.value);
      break;
    case 'string':
      w.string(4, attribute.value);
      break;
    case 'tensor':
      w.message(5, (t) => writeTensor(t, attribute.value));
      break;
    // Repeated scalars of AttributeProto are not declared packed: one field per element.
    case 'floats':
      for (const v of attribute.value) w.float(7, v);
      break;
    case 'ints':
      for (const v of attribute.value) w.int64(8, v);
      break;
    case 'strings':
      for (const v of attribute.value) w.string(9, v);
      break;
  }
  w.int64(20, ATTRIBUTE_TYPE[attribute.type]);
}

function writeTensor(w: ProtobufWriter, tensor: TensorProto): void {
  for (const dim of tensor.dims) w.int64(1, dim);
  w.int64(2, DATA_TYPE[tensor.data.type]);
  const data = tensor.data;
  if (data.type === 'string') for (const v of data.values) w.string(6, v);
  if (tensor.name !== '') w.string(8, tensor.name);
  if (data.type !== 'string') w.bytes(9, littleEndianBytes(data));
}

/** raw_data: the values as little-endian bytes (bools one byte each). */
function littleEndianBytes(data: Exclude<TensorData, { type: 'string' }>): Uint8Array {
  const values = data.values;
  const bytes = new Uint8Array(values.byteLength);
  const view = new DataView(bytes.buffer);
  switch (data.type) {
    case 'double':
      for (let i = 0; i < data.values.length; i++) view.setFloat64(i * 8, data.values[i]!, true);
      break;
    case 'float':
      for (let i = 0; i < data.values.length; i++) view.setFloat32(i * 4, data.values[i]!, true);
      break;
    case 'int64':
      for (let i = 0; i < data.values.length; i++) view.setBigInt64(i * 8, data.values[i]!, true);
      break;
    case 'bool':
      for (let i = 0; i < data.values.length; i++) bytes[i] = data.values[i]! === 0 ? 0 : 1;
      break;
  }
  return bytes;
}

function writeValueInfo(w: ProtobufWriter, info: ValueInfoProto): void {
  w.string(1, info.name);
  w.message(2, (type) =>
    type.message(1, (tensorType) => {
      tensorType.int64(1, DATA_TYPE[info.elemType]);
      tensorType.message(2, (shape) => {
        for (const dim of info.shape) shape.message(1, (d) => (typeof dim === 'number' ? d.int64(1, dim) : d.string(2, dim)));
      });
    }),
  );
  if (info.docString !== undefined && info.docString !== '') w.string(3, info.docString);
}
