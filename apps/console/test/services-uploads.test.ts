import { readdirSync } from "node:fs";
import { Readable } from "node:stream";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { importOnnxStream } from "../src/server/services/model-uploads";
import { createUpload, saveUploadFile } from "../src/server/storage/uploads";
import { tempContext, type TempContext } from "./support/temp-context";

/** A stream of `total` bytes made in 64 KiB chunks, never held whole. */
function bytes(total: number): Readable {
  let left = total;
  return new Readable({
    read() {
      const n = Math.min(left, 65536);
      left -= n;
      this.push(n > 0 ? Buffer.alloc(n, 7) : null);
    },
  });
}

describe("uploads", () => {
  let t: TempContext;
  beforeAll(() => {
    t = tempContext({ EDGELENS_MAX_UPLOAD_MB: "1" });
  });
  afterAll(async () => t.cleanup());

  it("stops a body over EDGELENS_MAX_UPLOAD_MB with TOO_LARGE and keeps nothing", async () => {
    await expect(importOnnxStream(t.ctx, { name: "huge" }, bytes(1024 * 1024 + 1))).rejects.toMatchObject({ code: "TOO_LARGE", message: expect.stringMatching(/EDGELENS_MAX_UPLOAD_MB/) });
    expect(readdirSync(t.ctx.paths.uploadsDir)).toEqual([]);
  });

  it("counts every file of a session against the limit and refuses odd names", async () => {
    const id = await createUpload(t.ctx);
    expect((await saveUploadFile(t.ctx, id, "model.json", bytes(600 * 1024))).size).toBe(600 * 1024);
    await expect(saveUploadFile(t.ctx, id, "group1-shard1of1.bin", bytes(600 * 1024))).rejects.toMatchObject({ code: "TOO_LARGE" });
    expect(readdirSync(`${t.ctx.paths.uploadsDir}/${id}`)).toEqual(["model.json"]);
    await expect(saveUploadFile(t.ctx, id, "../escape.bin", bytes(1))).rejects.toThrow(/plain file name/);
    await expect(saveUploadFile(t.ctx, id, "model.json", bytes(1))).rejects.toMatchObject({ code: "CONFLICT" });
    await expect(saveUploadFile(t.ctx, "upl_nope", "a.bin", bytes(1))).rejects.toMatchObject({ code: "NOT_FOUND" });
  });

  it("a body that fails or stops short of its Content-Length leaves no file, not even a .part", async () => {
    const id = await createUpload(t.ctx);
    let sent = 0;
    const failing = new Readable({
      read() {
        sent += 65536;
        if (sent > 300 * 1024) this.destroy(new Error("client went away"));
        else this.push(Buffer.alloc(65536, 1));
      },
    });
    await expect(saveUploadFile(t.ctx, id, "model.onnx", failing)).rejects.toThrow(/client went away/);
    await expect(saveUploadFile(t.ctx, id, "model.onnx", bytes(300 * 1024), 800 * 1024)).rejects.toMatchObject({ code: "INVALID_PAYLOAD", message: expect.stringMatching(/cut off: 307200 of 819200/) });
    await expect(saveUploadFile(t.ctx, id, "model.onnx", bytes(10), 2 * 1024 * 1024)).rejects.toMatchObject({ code: "TOO_LARGE" });
    expect(readdirSync(`${t.ctx.paths.uploadsDir}/${id}`)).toEqual([]);
    expect((await saveUploadFile(t.ctx, id, "model.onnx", bytes(1000), 1000)).size).toBe(1000);
    expect(readdirSync(`${t.ctx.paths.uploadsDir}/${id}`)).toEqual(["model.onnx"]);
  });
});
