/**
 * Writing request bodies and files to disk while hashing them: bounded in size, never held
 * in memory whole, and a failed write leaves no partial file behind.
 */
import { createHash } from "node:crypto";
import { createReadStream, createWriteStream } from "node:fs";
import { rm } from "node:fs/promises";
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

export async function writeBounded(source: ByteSource, dest: string, maxBytes: number, what = "upload"): Promise<WrittenFile> {
  const hash = createHash("sha256");
  let size = 0;
  const meter = new Transform({
    transform(chunk: Buffer, _enc, done) {
      size += chunk.length;
      if (size > maxBytes) {
        done(new EdgelensError("TOO_LARGE", `${what} exceeds the limit of ${Math.floor(maxBytes / (1024 * 1024))} MiB (EDGELENS_MAX_UPLOAD_MB)`, { limitBytes: maxBytes }));
        return;
      }
      hash.update(chunk);
      done(null, chunk);
    },
  });
  try {
    await pipeline(toNodeStream(source), meter, createWriteStream(dest, { flags: "wx" }));
  } catch (err) {
    await rm(dest, { force: true });
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
