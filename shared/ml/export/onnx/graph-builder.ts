/**
 * Builds an ONNX graph node by node: unique value names (never colliding with the graph's inputs and
 * outputs, which carry user column names), constants as initializers, and typed helpers for the ops
 * the exporter uses. Every helper returns the name of the value it produces.
 */
import type { AttributeValue, Dim, ElemType, GraphProto, NodeProto, TensorData, TensorProto, ValueInfoProto } from './onnx-proto.js';

/** The `ai.onnx.ml` operator domain. */
export const ML_DOMAIN = 'ai.onnx.ml';

/** A number is an `int` attribute (pass an AttributeValue for a float); arrays are `ints` or `strings`. */
type AttributeInput = number | string | readonly number[] | readonly string[] | AttributeValue;

export class GraphBuilder {
  private readonly nodes: NodeProto[] = [];
  private readonly initializers: TensorProto[] = [];
  private readonly inputs: ValueInfoProto[] = [];
  private readonly outputs: ValueInfoProto[] = [];
  private readonly used = new Set<string>();
  private readonly constants = new Map<string, string>();
  private counter = 0;

  /** @param reserved names the graph must not use internally (its future outputs). */
  constructor(reserved: Iterable<string> = []) {
    for (const name of reserved) this.used.add(name);
  }

  /** Declares a graph input under its exact name. */
  input(name: string, elemType: ElemType, shape: readonly Dim[], docString?: string): string {
    this.used.add(name);
    this.inputs.push({ name, elemType, shape, ...(docString === undefined ? {} : { docString }) });
    return name;
  }

  /** Declares `value` as the graph output `name` (through an Identity when the names differ). */
  output(name: string, value: string, elemType: ElemType, shape: readonly Dim[], docString?: string): void {
    this.nodes.push({ name: this.fresh(`out_${name}`), opType: 'Identity', domain: '', inputs: [value], outputs: [name], attributes: [] });
    this.used.add(name);
    this.outputs.push({ name, elemType, shape, ...(docString === undefined ? {} : { docString }) });
  }

  /**
   * Adds a node and returns its output names.
   * @param hint readable stem of the node and output names (`imputer`, `tree_leaves`, …).
   */
  nodeN(opType: string, inputs: readonly string[], outputCount: number, hint: string, attributes: Record<string, AttributeInput> = {}, domain = ''): string[] {
    const outputs: string[] = [];
    for (let i = 0; i < outputCount; i++) outputs.push(this.fresh(outputCount === 1 ? hint : `${hint}_${i}`));
    this.nodes.push({
      name: this.fresh(`${opType}_${hint}`),
      opType,
      domain,
      inputs,
      outputs,
      attributes: Object.entries(attributes).map(([name, value]) => ({ name, value: attributeValue(value) })),
    });
    return outputs;
  }

  /** A node with one output. */
  node(opType: string, inputs: readonly string[], hint: string, attributes: Record<string, AttributeInput> = {}, domain = ''): string {
    return this.nodeN(opType, inputs, 1, hint, attributes, domain)[0]!;
  }

  /** A constant (initializer); identical small constants are shared. */
  constant(hint: string, dims: readonly number[], data: TensorData): string {
    const key = data.values.length <= 16 ? `${data.type}|${dims.join(',')}|${Array.from(data.values as ArrayLike<unknown>, String).join('\u0000')}` : null;
    const existing = key === null ? undefined : this.constants.get(key);
    if (existing !== undefined) return existing;
    const name = this.fresh(hint);
    this.initializers.push({ name, dims, data });
    if (key !== null) this.constants.set(key, name);
    return name;
  }

  doubles(hint: string, values: ArrayLike<number>, dims: readonly number[] = [values.length]): string {
    return this.constant(hint, dims, { type: 'double', values: Float64Array.from(values) });
  }

  /** A double scalar (rank 0). */
  scalar(value: number): string {
    return this.constant('const', [], { type: 'double', values: Float64Array.of(value) });
  }

  int64s(hint: string, values: ArrayLike<number>, dims: readonly number[] = [values.length]): string {
    const data = new BigInt64Array(values.length);
    for (let i = 0; i < values.length; i++) data[i] = BigInt(values[i]!);
    return this.constant(hint, dims, { type: 'int64', values: data });
  }

  strings(hint: string, values: readonly string[], dims: readonly number[] = [values.length]): string {
    return this.constant(hint, dims, { type: 'string', values });
  }

  bools(hint: string, values: ArrayLike<number>, dims: readonly number[] = [values.length]): string {
    return this.constant(hint, dims, { type: 'bool', values: Uint8Array.from(values) });
  }

  // Typed shorthands for the elementwise and shape ops used throughout.
  add(a: string, b: string, hint = 'add'): string {
    return this.node('Add', [a, b], hint);
  }
  sub(a: string, b: string, hint = 'sub'): string {
    return this.node('Sub', [a, b], hint);
  }
  mul(a: string, b: string, hint = 'mul'): string {
    return this.node('Mul', [a, b], hint);
  }
  div(a: string, b: string, hint = 'div'): string {
    return this.node('Div', [a, b], hint);
  }
  /** Reshape to `shape` (-1 infers one dimension). */
  reshape(x: string, shape: readonly number[], hint = 'reshape'): string {
    return this.node('Reshape', [x, this.int64s('shape', shape)], hint);
  }
  concat(values: readonly string[], axis: number, hint = 'concat'): string {
    return values.length === 1 ? values[0]! : this.node('Concat', values, hint, { axis });
  }
  /** Column `index` of a rank-2 value, as a rank-1 value. */
  column(x: string, index: number, hint = 'column'): string {
    return this.node('Gather', [x, this.constant('index', [], { type: 'int64', values: BigInt64Array.of(BigInt(index)) })], hint, { axis: 1 });
  }

  build(name: string, docString: string): GraphProto {
    return { name, docString, nodes: this.nodes, initializers: this.initializers, inputs: this.inputs, outputs: this.outputs };
  }

  /** A name not used yet: `hint`, else `hint_1`, `hint_2`, … */
  private fresh(hint: string): string {
    let name = hint;
    while (this.used.has(name)) name = `${hint}_${++this.counter}`;
    this.used.add(name);
    return name;
  }
}

function attributeValue(value: AttributeInput): AttributeValue {
  if (typeof value === 'number') {
    if (!Number.isInteger(value)) throw new Error(`graph builder: integer attribute expected, got ${value}`);
    return { type: 'int', value };
  }
  if (typeof value === 'string') return { type: 'string', value };
  if (Array.isArray(value)) {
    if (value.length > 0 && typeof value[0] === 'string') return { type: 'strings', value: value as readonly string[] };
    return { type: 'ints', value: value as readonly number[] };
  }
  return value as AttributeValue;
}
