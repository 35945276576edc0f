import type { FrameTransform, FrameWithInputs, PreparedEntry } from "@edgelens/vision/preprocess";
import type { Frame } from "@edgelens/vision/project";
import type { FrameMessage, WireInput } from "./protocol";

/**
 * A frame and the model inputs the agent prepared ahead for it, as one channel message: the
 * header names each input (request key, dtype, dims, transform); the body is the frame's bytes,
 * then each tensor's bytes at the next 4-byte boundary, so the sandbox reads them as typed-array
 * views over the received body with no JSON and no copy.
 */

const ALIGN = 4;
const PADDING = new Uint8Array(ALIGN);
const TRANSFORM_KEYS = ["sourceWidth", "sourceHeight", "inputWidth", "inputHeight", "cropX", "cropY", "scaleX", "scaleY", "padX", "padY"] as const;

const alignUp = (n: number): number => Math.ceil(n / ALIGN) * ALIGN;

/** The message and the parts of its body, in order (views of the caller's memory, not copies). */
export function encodeFrame(id: number, frame: Frame & FrameWithInputs): { message: FrameMessage; body: Uint8Array[] } {
  const message: FrameMessage = { type: "frame", id, width: frame.width, height: frame.height, seq: frame.seq, ts: frame.ts };
  const body: Uint8Array[] = [frame.data];
  let offset = frame.data.length;
  const inputs: WireInput[] = [];
  for (const { key, prepared } of frame.prepared ?? []) {
    const { data, type, dims } = prepared.tensor;
    const pad = alignUp(offset) - offset;
    if (pad > 0) body.push(PADDING.subarray(0, pad));
    body.push(new Uint8Array(data.buffer, data.byteOffset, data.byteLength));
    offset += pad + data.byteLength;
    inputs.push({ key, type, dims: [...dims], transform: prepared.transform });
  }
  if (inputs.length > 0) message.inputs = inputs;
  return { message, body };
}

/** Thrown for a message whose header does not describe its body: the channel is broken. */
function broken(seq: unknown, why: string): Error {
  return new Error(`frame ${String(seq)}: ${why}`);
}

function checkTransform(value: unknown, seq: number): FrameTransform {
  const t = value as Record<string, unknown> | null;
  if (typeof t !== "object" || t === null || !TRANSFORM_KEYS.every((k) => Number.isFinite(t[k]))) throw broken(seq, "a prepared input has no valid transform");
  return t as unknown as FrameTransform;
}

function tensorView(body: Uint8Array, offset: number, input: WireInput, seq: number): Float32Array | Int32Array {
  const { type, dims } = input;
  if (type !== "float32" && type !== "int32") throw broken(seq, `a prepared input has dtype "${String(type)}" (float32 or int32)`);
  if (!Array.isArray(dims) || dims.length === 0 || !dims.every((d) => Number.isInteger(d) && d > 0)) throw broken(seq, "a prepared input has invalid dims");
  const length = dims.reduce((a, b) => a * b, 1);
  const bytes = length * 4;
  if (offset + bytes > body.length) throw broken(seq, `a prepared input of ${bytes} bytes at ${offset} is past the ${body.length} byte body`);
  const start = body.byteOffset + offset;
  // The channel hands large bodies over in a buffer of their own (aligned); a small one may sit at
  // an odd place in a socket chunk, and is copied.
  const source = start % ALIGN === 0 ? body : body.slice(offset, offset + bytes);
  const at = source === body ? start : 0;
  return type === "int32" ? new Int32Array(source.buffer, at, length) : new Float32Array(source.buffer, at, length);
}

/** The frame and its prepared inputs, as views over `body`; throws when the sizes do not add up. */
export function decodeFrame(message: FrameMessage, body: Uint8Array): Frame & FrameWithInputs {
  const { width, height, seq, ts } = message;
  if (!Number.isInteger(width) || !Number.isInteger(height) || width <= 0 || height <= 0) throw broken(seq, `invalid size ${width}x${height}`);
  const frameBytes = width * height * 3;
  if (frameBytes > body.length) throw broken(seq, `${width}x${height} RGB needs ${frameBytes} bytes, the body has ${body.length}`);
  const frame: Frame & FrameWithInputs = { data: body.subarray(0, frameBytes), width, height, seq, ts };
  const inputs = message.inputs ?? [];
  if (!Array.isArray(inputs)) throw broken(seq, "inputs is not a list");
  let end = frameBytes;
  const prepared: PreparedEntry[] = [];
  for (const input of inputs) {
    if (typeof input?.key !== "string") throw broken(seq, "a prepared input has no key");
    const offset = alignUp(end);
    const data = tensorView(body, offset, input, seq);
    end = offset + data.byteLength;
    prepared.push({ key: input.key, prepared: { tensor: { type: input.type, data, dims: [...input.dims] }, transform: checkTransform(input.transform, seq) } });
  }
  if (end !== body.length) throw broken(seq, `the header accounts for ${end} bytes, the body has ${body.length}`);
  if (prepared.length > 0) frame.prepared = prepared;
  return frame;
}
