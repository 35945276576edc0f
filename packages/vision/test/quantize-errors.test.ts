/**
 * Bad input to the int8 optimizer: each case fails with a code and a message naming what is
 * wrong, before anything is written.
 */
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { readFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { EdgelensError } from "@edgelens/shared/errors";
import { decodeImage } from "../src/image/index";
import { mediaPath } from "../src/media/index";
import { ensureSampleModels, getSampleModel } from "../src/models/index";
import { encodeOnnxModel, OnnxDataType } from "../src/onnx/onnx-proto";
import { optimizeModelInt8 } from "../src/quantize/index";

const tensor = (name: string, dims: number[]) => ({ name, type: { tensorType: { elemType: OnnxDataType.FLOAT, shape: { dim: dims.map((d) => ({ dimValue: d })) } } } });

/** A model onnxruntime runs whose one node is a contrib (com.microsoft) op. */
function contribOpModel(): Uint8Array {
  return encodeOnnxModel({
    irVersion: 8,
    opsetImport: [
      { domain: "", version: 17 },
      { domain: "com.microsoft", version: 1 },
    ],
    producerName: "test",
    producerVersion: "1",
    graph: {
      name: "g",
      node: [{ name: "gelu", opType: "Gelu", domain: "com.microsoft", input: ["x"], output: ["y"], attribute: [] }],
      initializer: [],
      input: [tensor("x", [1, 32, 32, 3])],
      output: [tensor("y", [1, 32, 32, 3])],
    },
  });
}

async function failure(p: Promise<unknown>): Promise<EdgelensError> {
  const err = await p.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(EdgelensError);
  return err as EdgelensError;
}

describe("int8 optimizer errors", () => {
  let dir: string;
  let centernet: Uint8Array;

  beforeAll(async () => {
    await ensureSampleModels();
    centernet = new Uint8Array(await readFile(getSampleModel("centernet").path));
    dir = mkdtempSync(join(tmpdir(), "edgelens-quantize-errors-"));
    writeFileSync(join(dir, "notes.txt"), "not a photo");
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it("refuses a model with no calibration images and no sample inputs", async () => {
    const e = await failure(optimizeModelInt8(centernet, { name: "centernet" }));
    expect(e.code).toBe("INVALID_PAYLOAD");
    expect(e.message).toMatch(/"centernet": no calibration images and no sample inputs/);
    const empty = await failure(optimizeModelInt8(centernet, { name: "centernet", calibration: dir }));
    expect(empty.message).toContain(`no calibration images (.jpg, .png, .webp) in ${dir}`);
  });

  it("refuses a model with dynamic input shapes, naming the input", async () => {
    const ppocr = new Uint8Array(await readFile(getSampleModel("ppocr-det").path));
    const e = await failure(optimizeModelInt8(ppocr, { name: "ppocr-det", calibration: [await decodeImage(mediaPath("imageTextN.png"))] }));
    expect(e.code).toBe("INVALID_MODEL");
    expect(e.message).toMatch(/input "x" has a dynamic shape \[.*\]: int8 calibration needs fixed input shapes/);
    expect(e.context).toMatchObject({ model: "ppocr-det", input: "x" });
  });

  it("refuses an op it cannot carry, naming op and node", async () => {
    const frame = await decodeImage(mediaPath("messi5.jpg"));
    const e = await failure(optimizeModelInt8(contribOpModel(), { name: "contrib", calibration: [frame] }));
    expect(e.code).toBe("UNSUPPORTED_OP");
    expect(e.message).toBe('model "contrib" uses op com.microsoft.Gelu (node "gelu"), which the int8 optimizer does not support');
    expect(e.context).toMatchObject({ op: "com.microsoft.Gelu", node: "gelu" });
  });
});
