/**
 * Writing request bodies and files to disk while hashing them: bounded in size, never held
 * in memory whole, and a failed write leaves no partial file behind.
 */
import { createHash } from "node:crypto";
import { createReadStream, createWriteStream } from "node:fs";
import { rename, rm } from "node:fs/promises";
import { basename, dirname, join } from "node:path";
import { Readable, Transform } from "node:stream";
import { pipeline } from "node:stream/promises";
import type { ReadableStream as WebReadableStream } from "node:stream/web";
import { EdgelensError } from "@edgelens/shared";

export interface WrittenFile {
  path: string;
  size: number;
  sha256: string;
}

export type ByteSource = Readable | ReadableStream<Uint8Array> | WebReadableStream<Uint8Array>;

function toNodeStream(source: ByteSource): Readable {
  return source instanceof Readable ? source : Readable.fromWeb(source as WebReadableStream<Uint8Array>);
}

/**
 * Streams `source` into `dest` through a hidden `.part` file beside it, renamed once complete:
 * a reader never sees a partial file, and a failed, oversized or cut-off body leaves nothing.
 * `declaredBytes` (the request's Content-Length) is refused at once when over `maxBytes`, and
 * a body that ends short of it counts as cut off.
 */
export async function writeBounded(source: ByteSource, dest: string, maxBytes: number, what = "upload", declaredBytes?: number): Promise<WrittenFile> {
  const tooLarge = () => new EdgelensError("TOO_LARGE", `${what} exceeds the limit of ${Math.floor(maxBytes / (1024 * 1024))} MiB (EDGELENS_MAX_UPLOAD_MB)`, { limitBytes: maxBytes });
  const input = toNodeStream(source);
  if (declaredBytes !== undefined && declaredBytes > maxBytes) {
    input.destroy();
    throw tooLarge();
  }
  const hash = createHash("sha256");
  let size = 0;
  const meter = new Transform({
    transform(chunk: Buffer, _enc, done) {
      size += chunk.length;
      if (size > maxBytes) return done(tooLarge());
      hash.update(chunk);
      done(null, chunk);
    },
    flush(done) {
      if (declaredBytes !== undefined && size !== declaredBytes) return done(new EdgelensError("INVALID_PAYLOAD", `${what} was cut off: ${size} of ${declaredBytes} bytes arrived`, { size, declaredBytes }));
      done();
    },
  });
  const part = join(dirname(dest), `.${basename(dest)}.part`);
  try {
    await pipeline(input, meter, createWriteStream(part, { flags: "wx" }));
    await rename(part, dest);
  } catch (err) {
    // wx: another request is writing this very file now.
    if ((err as NodeJS.ErrnoException).code === "EEXIST") throw new EdgelensError("CONFLICT", `${what}: ${basename(dest)} is being uploaded by another request`);
    await rm(part, { force: true });
    throw err;
  }
  return { path: dest, size, sha256: hash.digest("hex") };
}

export async function hashFile(path: string): Promise<{ sha256: string; size: number }> {
  const hash = createHash("sha256");
  let size = 0;
  for await (const chunk of createReadStream(path)) {
    size += (chunk as Buffer).length;
    hash.update(chunk as Buffer);
  }
  return { sha256: hash.digest("hex"), size };
}
