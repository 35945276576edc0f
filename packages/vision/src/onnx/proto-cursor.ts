import { open } from "node:fs/promises";

/**
 * Reading protobuf wire format from a file without loading it: a cursor over a byte source
 * that reads through a small window and can step over a field's value without reading it
 * (an ONNX initializer's raw_data is most of a model file).
 */
export interface ByteSource {
  size: number;
  /** Bytes [position, position + length) clamped to the source; counted in bytesRead. */
  read(position: number, length: number): Promise<Uint8Array>;
  bytesRead: number;
  close(): Promise<void>;
}

export function bytesSource(bytes: Uint8Array): ByteSource {
  return {
    size: bytes.length,
    bytesRead: 0,
    async read(position, length) {
      const out = bytes.subarray(position, Math.min(bytes.length, position + length));
      this.bytesRead += out.length;
      return out;
    },
    async close() {},
  };
}

/** Throws the fs error (ENOENT…) as is: the caller maps it. */
export async function fileSource(path: string): Promise<ByteSource> {
  const handle = await open(path, "r");
  const { size } = await handle.stat();
  const source: ByteSource = {
    size,
    bytesRead: 0,
    async read(position, length) {
      const buf = Buffer.alloc(Math.max(0, Math.min(length, size - position)));
      let done = 0;
      while (done < buf.length) {
        const { bytesRead } = await handle.read(buf, done, buf.length - done, position + done);
        if (bytesRead === 0) throw new Error(`file ended at ${position + done} of ${size} bytes (changed while read?)`);
        done += bytesRead;
      }
      source.bytesRead += done;
      return buf;
    },
    close: () => handle.close(),
  };
  return source;
}

const WINDOW = 16 * 1024;

export const WireType = { VARINT: 0, FIXED64: 1, LEN: 2, FIXED32: 5 } as const;

export class ProtoCursor {
  pos = 0;
  private window: Uint8Array = new Uint8Array(0);
  private windowStart = 0;

  constructor(readonly source: ByteSource) {}

  /** Makes [pos, pos + n) readable from the window; fails past the end of the source. */
  private async ensure(n: number): Promise<void> {
    if (this.pos + n > this.source.size) throw new Error(`truncated: needs ${n} bytes at offset ${this.pos} of ${this.source.size}`);
    const end = this.windowStart + this.window.length;
    if (this.pos >= this.windowStart && this.pos + n <= end) return;
    this.windowStart = this.pos;
    this.window = await this.source.read(this.pos, Math.max(n, WINDOW));
  }

  /** Varints up to 2^53 (ONNX dims, lengths and enums fit). */
  async varint(): Promise<number> {
    // A varint is at most 10 bytes: one window check, then a synchronous decode.
    await this.ensure(Math.min(10, this.source.size - this.pos) || 1);
    let value = 0;
    for (let shift = 0; shift < 64; shift += 7) {
      if (this.pos >= this.source.size) throw new Error(`truncated varint at offset ${this.pos}`);
      const b = this.window[this.pos++ - this.windowStart]!;
      value += (b & 0x7f) * 2 ** shift;
      if (b < 0x80) {
        if (value > Number.MAX_SAFE_INTEGER) throw new Error(`varint at ${this.pos} is beyond 2^53`);
        return value;
      }
    }
    throw new Error(`malformed varint before offset ${this.pos}`);
  }

  async tag(): Promise<{ field: number; wire: number }> {
    const tag = await this.varint();
    const field = Math.floor(tag / 8);
    if (field === 0) throw new Error(`field number 0 at offset ${this.pos}`);
    return { field, wire: tag % 8 };
  }

  /** The length of a LEN field, checked against `end` (its enclosing message). */
  async length(end: number): Promise<number> {
    const n = await this.varint();
    if (this.pos + n > end) throw new Error(`field of ${n} bytes at offset ${this.pos} runs past its message (ends at ${end})`);
    return n;
  }

  /** Steps over one field's value; a LEN value is not read. */
  async skip(wire: number, end: number): Promise<void> {
    if (wire === WireType.VARINT) await this.varint();
    else if (wire === WireType.FIXED64) this.pos += 8;
    else if (wire === WireType.FIXED32) this.pos += 4;
    else if (wire === WireType.LEN) {
      // Not `this.pos += await …`: that would add to the position from before the length.
      const length = await this.length(end);
      this.pos += length;
    }
    else throw new Error(`unsupported wire type ${wire} at offset ${this.pos}`);
    if (this.pos > end) throw new Error(`field runs past its message at offset ${end}`);
  }

  /** Bytes [start, end) of the source, read now (from the window when it holds them). */
  async bytes(start: number, end: number): Promise<Uint8Array> {
    if (start >= this.windowStart && end <= this.windowStart + this.window.length) {
      return this.window.slice(start - this.windowStart, end - this.windowStart);
    }
    if (end > this.source.size) throw new Error(`truncated: needs bytes ${start}..${end} of ${this.source.size}`);
    // The new window starts here, so the fields after this one are read with it.
    this.windowStart = start;
    this.window = await this.source.read(start, Math.max(end - start, WINDOW));
    return this.window.slice(0, end - start);
  }
}

export function encodeVarint(value: number): Uint8Array {
  const out: number[] = [];
  let v = value;
  while (v >= 0x80) {
    out.push((v % 0x80) | 0x80);
    v = Math.floor(v / 0x80);
  }
  out.push(v);
  return Uint8Array.from(out);
}

/** A LEN field: tag, length, value. */
export function encodeLenField(field: number, value: Uint8Array): Uint8Array[] {
  return [encodeVarint(field * 8 + WireType.LEN), encodeVarint(value.length), value];
}
