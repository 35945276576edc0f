import { existsSync, mkdirSync, readdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { artifactPath } from "@edgelens/db";
import { getSampleModel } from "@edgelens/vision/models";
import { importTfjsModel } from "../src/server/services/model-conversion";
import { deleteModel, getModel, importOnnxModel, listModels, resolveModelRef } from "../src/server/services/models";
import { importSampleModel } from "../src/server/services/sample-models";
import { tempContext, type TempContext } from "./support/temp-context";

const humanModels = new URL("../../../packages/vision/node_modules/@vladmandic/human/models/", import.meta.url).pathname;

function storedFiles(t: TempContext): string[] {
  const root = t.ctx.paths.artifactsDir;
  if (!existsSync(root)) return [];
  return readdirSync(root).flatMap((d) => readdirSync(join(root, d)));
}

describe("models", () => {
  let t: TempContext;
  beforeAll(() => {
    t = tempContext();
  });
  afterAll(async () => t.cleanup());

  it("imports an ONNX file after onnxruntime validates it, content-addressed, once per content", async () => {
    const file = getSampleModel("blazeface").path;
    const v1 = await importOnnxModel(t.ctx, { name: "faces", file });
    expect(v1).toMatchObject({ version: 1, format: "onnx", sha256: getSampleModel("blazeface").sha256 });
    expect(v1.inputs[0]?.shape).toEqual([1, 256, 256, 3]);
    expect(existsSync(artifactPath(t.ctx.paths, v1.sha256))).toBe(true);
    expect(existsSync(file)).toBe(true);
    const again = await importOnnxModel(t.ctx, { name: "faces", file });
    expect(again.id).toBe(v1.id);
    expect(getModel(t.ctx, "faces").versionCount).toBe(1);
    expect(resolveModelRef(t.ctx, "faces@1").id).toBe(v1.id);
  });

  it("rejects a corrupt ONNX file with INVALID_MODEL and stores nothing", async () => {
    const before = storedFiles(t);
    const bad = join(t.dir, "corrupt.onnx");
    writeFileSync(bad, Buffer.from("this is not a protobuf at all \u0000\u0001\u0002".repeat(50)));
    await expect(importOnnxModel(t.ctx, { name: "broken", file: bad })).rejects.toMatchObject({ code: "INVALID_MODEL" });
    expect(storedFiles(t)).toEqual(before);
    expect(listModels(t.ctx).map((m) => m.name)).not.toContain("broken");
  });

  it("imports sample models idempotently with their labels", async () => {
    const a = await importSampleModel(t.ctx, "blazeface");
    const b = await importSampleModel(t.ctx, "blazeface");
    expect(b.id).toBe(a.id);
    expect(a.source).toMatch(/^@vladmandic\/human@3\.3\.6/);
    expect(a.labels).toEqual(getSampleModel("blazeface").labels);
    await expect(importSampleModel(t.ctx, "yolo9000")).rejects.toMatchObject({ code: "NOT_FOUND" });
  });

  it("converts a TF.js graph model with progress", async () => {
    const seen: string[] = [];
    const v = await importTfjsModel(t.ctx, { name: "blazeface-tfjs", modelJsonPath: join(humanModels, "blazeface.json") }, (phase, pct) => seen.push(`${phase}:${Math.round(pct)}`));
    expect(v).toMatchObject({ format: "tfjs", version: 1 });
    expect(v.inputs[0]?.shape.slice(1)).toEqual([256, 256, 3]);
    expect(seen.some((s) => s.startsWith("weights"))).toBe(true);
    expect(seen.at(-1)).toBe("done:100");
  });

  it("names an unsupported TF.js op and stores nothing", async () => {
    const dir = join(t.dir, "odd-model");
    mkdirSync(dir);
    const modelJson = {
      format: "graph-model",
      modelTopology: {
        node: [
          { name: "x", op: "Placeholder", attr: { dtype: { type: "DT_FLOAT" }, shape: { shape: { dim: [{ size: "1" }, { size: "4" }] } } } },
          { name: "y", op: "FancyNewOp", input: ["x"], attr: { T: { type: "DT_FLOAT" } } },
        ],
        library: {},
        versions: {},
      },
      weightsManifest: [],
    };
    writeFileSync(join(dir, "model.json"), JSON.stringify(modelJson));
    const before = storedFiles(t);
    await expect(importTfjsModel(t.ctx, { name: "odd", dir })).rejects.toMatchObject({ code: "UNSUPPORTED_OP", context: { op: "FancyNewOp" } });
    expect(storedFiles(t)).toEqual(before);
  });

  it("deletes a model no project uses", () => {
    deleteModel(t.ctx, "faces");
    expect(() => getModel(t.ctx, "faces")).toThrow(/no model faces/);
  });
});
