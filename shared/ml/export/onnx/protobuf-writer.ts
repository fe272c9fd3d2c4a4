/**
 * The protobuf wire format, write side only, for the handful of ONNX messages the exporter emits
 * (onnx-proto.ts). A message is built bottom-up: nested messages are encoded first and written as
 * length-delimited bytes, so no size pre-pass is needed.
 *
 * Why not protobufjs / onnx-proto: we only ever *write* ~10 message types whose field numbers are
 * frozen by onnx.proto; a 100-line writer has no dependency, no code generation and no reflection,
 * and the parity test checks every byte with `onnx.checker.check_model(full_check=True)`.
 */

const WIRE_VARINT = 0;
const WIRE_LENGTH_DELIMITED = 2;
const WIRE_FIXED32 = 5;

const utf8 = new TextEncoder();

/** Appends protobuf fields to a growable byte buffer. */
export class ProtobufWriter {
  private buffer = new Uint8Array(256);
  private length = 0;

  /** Field with an unsigned or signed 64-bit integer (int64 / int32 / enum / bool), as a varint. */
  int64(field: number, value: number | bigint): this {
    this.tag(field, WIRE_VARINT);
    this.varint(value);
    return this;
  }

  /** Field with a float (wire type fixed32). */
  float(field: number, value: number): this {
    this.tag(field, WIRE_FIXED32);
    const view = new DataView(new ArrayBuffer(4));
    view.setFloat32(0, value, true);
    this.raw(new Uint8Array(view.buffer));
    return this;
  }

  /** A UTF-8 string field (also `bytes` holding text). */
  string(field: number, value: string): this {
    return this.bytes(field, utf8.encode(value));
  }

  /** A length-delimited field: raw bytes, or an already encoded nested message. */
  bytes(field: number, value: Uint8Array): this {
    this.tag(field, WIRE_LENGTH_DELIMITED);
    this.varint(value.length);
    this.raw(value);
    return this;
  }

  /** A nested message field, encoded by `write` into a fresh writer. */
  message(field: number, write: (writer: ProtobufWriter) => void): this {
    const nested = new ProtobufWriter();
    write(nested);
    return this.bytes(field, nested.finish());
  }

  /** The encoded bytes (a copy sized to the content). */
  finish(): Uint8Array {
    return this.buffer.slice(0, this.length);
  }

  private tag(field: number, wireType: number): void {
    this.varint((field << 3) | wireType);
  }

  /**
   * Base-128 varint. Negative values are their 64-bit two's complement (10 bytes), as protobuf
   * encodes a negative int64 / int32.
   */
  private varint(value: number | bigint): void {
    if (typeof value === 'number' && value >= 0 && value <= 0x7fffffff) {
      let v = value;
      while (v > 0x7f) {
        this.byte((v & 0x7f) | 0x80);
        v >>>= 7;
      }
      this.byte(v);
      return;
    }
    let v = BigInt.asUintN(64, BigInt(value));
    while (v > 0x7fn) {
      this.byte(Number(v & 0x7fn) | 0x80);
      v >>= 7n;
    }
    this.byte(Number(v));
  }

  private byte(value: number): void {
    this.reserve(1);
    this.buffer[this.length++] = value;
  }

  private raw(bytes: Uint8Array): void {
    this.reserve(bytes.length);
    this.buffer.set(bytes, this.length);
    this.length += bytes.length;
  }

  private reserve(extra: number): void {
    if (this.length + extra <= this.buffer.length) return;
    let capacity = this.buffer.length * 2;
    while (capacity < this.length + extra) capacity *= 2;
    const grown = new Uint8Array(capacity);
    grown.set(this.buffer.subarray(0, this.length));
    this.buffer = grown;
  }
}
