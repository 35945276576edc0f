import { createHash } from "node:crypto";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { EdgelensError } from "@edgelens/shared/errors";
import { beforeAll, describe, expect, it } from "vitest";
import { visionHelpers } from "../src/index";
import { ensureSampleModels, getSampleModel } from "../src/models/index";
import { createOrtModelRunner } from "../src/onnx/index";
import { compileProjectFunction, createDrawRecorder, createProjectInstance, loadProjectModule, type ProjectDefinition } from "../src/project/index";

async function compileError(source: string, filename = "function.ts"): Promise<EdgelensError> {
  const error = await compileProjectFunction(source, { filename }).then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(EdgelensError);
  return error as EdgelensError;
}

function frame(width = 4, height = 2, seq = 0) {
  return { data: new Uint8Array(width * height * 3), width, height, seq, ts: 1_700_000_000_000 };
}

async function instanceOf(source: string, options: { config?: Record<string, unknown>; models?: Parameters<typeof createProjectInstance>[0]["models"] } = {}) {
  const { code } = await compileProjectFunction(source, { filename: "f.ts" });
  const logs: string[] = [];
  const instance = await createProjectInstance({
    projectId: "p1",
    definition: await loadProjectModule({ code }),
    models: options.models ?? {},
    config: options.config ?? {},
    vision: visionHelpers,
    log: (level, message) => logs.push(`${level}:${message}`),
  });
  return { instance, logs };
}

describe("compileProjectFunction", () => {
  it("bundles a TypeScript function into one module without imports, with its sha256", async () => {
    const source = [
      'import { defineProject, type Frame } from "@edgelens/vision/project";',
      "const size = (f: Frame): number => f.width * f.height;",
      "export default defineProject({ infer(frame) { return { counts: { pixels: size(frame) } }; } });",
    ].join("\n");
    const { code, sha256 } = await compileProjectFunction(source, { filename: "function.ts" });
    expect(code).not.toMatch(/^\s*import /m);
    expect(sha256).toBe(createHash("sha256").update(code).digest("hex"));
    const definition = await loadProjectModule({ code });
    expect(await definition.infer(frame(3, 2), {} as never)).toEqual({ counts: { pixels: 6 } });
  });

  it("accepts plain JavaScript", async () => {
    const { code } = await compileProjectFunction("export default { infer() { return { labels: [{ label: 'x', score: 1 }] }; } };", { filename: "f.js" });
    expect((await loadProjectModule({ code })).infer).toBeTypeOf("function");
  });

  it("reports a syntax error at its line and column", async () => {
    const error = await compileError('import { defineProject } from "@edgelens/vision/project";\n\nexport default defineProject({\n  infer(frame) {\n    const x = ;\n  },\n});\n');
    expect(error.code).toBe("COMPILE_FAILED");
    const [first] = error.context.errors as { line: number; column: number; text: string; lineText?: string }[];
    expect(first).toMatchObject({ line: 5, column: 15, lineText: "    const x = ;" });
    expect(error.message).toContain("function.ts:5:15");
  });

  it("refuses any import but the function API, at the import's line", async () => {
    const error = await compileError('export const a = 1;\nimport sharp from "sharp";\nexport default { infer() { return sharp; } };\n');
    const [first] = error.context.errors as { line: number; text: string }[];
    expect(first?.line).toBe(2);
    expect(first?.text).toMatch(/cannot import "sharp".*only "@edgelens\/vision\/project"/);
    expect((await compileError('import { x } from "./helper";\nexport default { infer() { return x; } };', "f.js")).message).toContain('cannot import "./helper"');
    expect((await compileError('import fs from "node:fs";\nexport default { infer() { return fs; } };', "f.js")).message).toContain('cannot import "node:fs"');
  });

  it("needs a default export and a .ts or .js file", async () => {
    expect((await compileError("export const infer = () => null;")).message).toMatch(/no default export/);
    expect((await compileError("export default {};", "f.py")).message).toMatch(/unsupported file type ".py"/);
  });
});

describe("loadProjectModule", () => {
  it("evaluates each load afresh, so module state is never shared", async () => {
    const { code } = await compileProjectFunction("let n = 0;\nexport default { infer() { n += 1; return { counts: { n } }; } };", { filename: "f.js" });
    const a = await loadProjectModule({ code });
    const b = await loadProjectModule({ code });
    await a.infer(frame(), {} as never);
    expect(await a.infer(frame(), {} as never)).toEqual({ counts: { n: 2 } });
    expect(await b.infer(frame(), {} as never)).toEqual({ counts: { n: 1 } });
  });

  it("loads a compiled function stored without an extension (the agent's artifact cache)", async () => {
    const { code } = await compileProjectFunction("export default { infer() { return { counts: { fromFile: 1 } }; } };", { filename: "f.js" });
    const dir = mkdtempSync(join(tmpdir(), "edgelens-project-"));
    try {
      const path = join(dir, "3f9a0c");
      writeFileSync(path, code);
      expect(await (await loadProjectModule({ path })).infer(frame(), {} as never)).toEqual({ counts: { fromFile: 1 } });
      await expect(loadProjectModule({ path: join(dir, "missing") })).rejects.toMatchObject({ code: "FUNCTION_FAILED", message: expect.stringContaining("cannot read") });
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it("refuses a default export that is not a project", async () => {
    const { code } = await compileProjectFunction("export default { setup() {} };", { filename: "f.js" });
    await expect(loadProjectModule({ code })).rejects.toMatchObject({ code: "FUNCTION_FAILED", message: expect.stringMatching(/no infer function/) });
  });
});

describe("createProjectInstance", () => {
  it("overlays the deployment's config on the function's defaults", async () => {
    const { instance } = await instanceOf("export default { config: { a: 1, b: 2 }, infer(f, ctx) { return { extra: { a: ctx.config.a, b: ctx.config.b } }; } };", { config: { b: 3 } });
    expect((await instance.infer(frame())).output).toEqual({ extra: { a: 1, b: 3 } });
  });

  it("returns null for a frame without result, and the ops ctx.draw recorded", async () => {
    const { instance, logs } = await instanceOf(
      "export default { infer(f, ctx) { ctx.log.info('seen ' + f.seq); ctx.draw.box([1, 1, 3, 2], { label: 'x' }); ctx.draw.line([0, 0], [3, 1]); } };",
    );
    const outcome = await instance.infer(frame(4, 2, 7));
    expect(outcome.output).toBeNull();
    expect(outcome.overlay.map((op) => op.kind)).toEqual(["box", "line"]);
    expect(logs).toEqual(["info:seen 7"]);
    expect((await instance.infer(frame())).overlay).toHaveLength(2);
  });

  it("makes a thrown error or an invalid result a FUNCTION_FAILED naming the field", async () => {
    const { instance } = await instanceOf("export default { infer(f) { if (f.seq === 1) throw new Error('boom'); return { detections: [{ label: 'a', classId: 0, score: 2, box: [0, 0, 1, 1] }] }; } };");
    await expect(instance.infer(frame(4, 2, 0))).rejects.toMatchObject({ code: "FUNCTION_FAILED", message: expect.stringContaining("detections.0.score") });
    await expect(instance.infer(frame(4, 2, 1))).rejects.toMatchObject({ code: "FUNCTION_FAILED", message: expect.stringContaining("boom") });
    const { instance: typo } = await instanceOf("export default { infer() { return { detection: [] }; } };");
    await expect(typo.infer(frame())).rejects.toMatchObject({ message: expect.stringMatching(/detection.*extra/s) });
  });

  it("collects what ctx.publish sends during infer, and refuses it outside", async () => {
    const { instance } = await instanceOf("export default { infer(f, ctx) { ctx.publish({ counts: { extra: 1 } }); return { counts: { main: 1 } }; } };");
    const outcome = await instance.infer(frame());
    expect(outcome.published).toEqual([{ counts: { extra: 1 } }]);
    await expect(instanceOf("export default { setup(ctx) { ctx.publish({}); }, infer() {} };")).rejects.toMatchObject({
      code: "FUNCTION_FAILED",
      message: expect.stringMatching(/setup failed.*only while infer runs/s),
    });
  });

  it("collects ctx.clip requests with ids unique per frame time, and refuses bad spans or calls outside infer", async () => {
    const { instance } = await instanceOf("export default { infer(f, ctx) { return { extra: { clipId: ctx.clip(2, 1), other: ctx.clip() } }; } };");
    const outcome = await instance.infer(frame());
    expect(outcome.clips).toEqual([
      { clipId: "p1-1700000000000-0", pre: 2, post: 1 },
      { clipId: "p1-1700000000000-1", pre: 5, post: 5 },
    ]);
    expect(outcome.output).toEqual({ extra: { clipId: "p1-1700000000000-0", other: "p1-1700000000000-1" } });
    expect((await instance.infer(frame())).clips).toEqual([expect.objectContaining({ clipId: "p1-1700000000000-0" }), expect.anything()]);
    const bad = await instanceOf("export default { infer(f, ctx) { ctx.clip(90, 0); } };");
    await expect(bad.instance.infer(frame())).rejects.toMatchObject({ code: "FUNCTION_FAILED", message: expect.stringMatching(/ctx\.clip\(90, 0\): pre: /) });
    const none = await instanceOf("export default { infer(f, ctx) { ctx.clip(0, 0); } };");
    await expect(none.instance.infer(frame())).rejects.toMatchObject({ message: expect.stringMatching(/at least 1 second/) });
    const flood = await instanceOf("export default { infer(f, ctx) { for (let i = 0; i < 5; i++) ctx.clip(); } };");
    await expect(flood.instance.infer(frame())).rejects.toMatchObject({ message: expect.stringMatching(/at most 4 clips per frame/) });
    await expect(instanceOf("export default { setup(ctx) { ctx.clip(); }, infer() {} };")).rejects.toMatchObject({ message: expect.stringMatching(/only while infer runs/) });
  });

  it("fails with MODEL_LOAD_FAILED when a declared model is missing", async () => {
    await expect(instanceOf("export default { models: ['detector'], infer() {} };")).rejects.toMatchObject({ code: "MODEL_LOAD_FAILED", message: expect.stringContaining('"detector"') });
  });

  describe("with a real model", () => {
    beforeAll(async () => {
      await ensureSampleModels();
    });

    it("measures the time models run within the infer call", async () => {
      const runner = await createOrtModelRunner(getSampleModel("movenet").path, { name: "pose", threads: 1 });
      try {
        const { instance } = await instanceOf(
          "export default { models: ['pose'], async infer(f, ctx) { const { tensor } = ctx.vision.letterbox(f, 192, 192, { dtype: 'int32' }); await ctx.models.pose.run({ input: tensor }); await ctx.models.pose.run({ input: tensor }); return null; } };",
          { models: { pose: runner } },
        );
        const outcome = await instance.infer(frame(64, 48));
        expect(outcome.inferenceMs).toBeGreaterThan(0);
        expect(outcome.inferenceMs).toBeLessThanOrEqual(outcome.totalMs);
      } finally {
        await runner.dispose();
      }
    });
  });
});

describe("ctx.draw", () => {
  it("checks coordinates and colours when recorded", () => {
    const { api, take } = createDrawRecorder();
    expect(() => api.box([0, 0, Number.NaN, 1])).toThrow(/finite number/);
    expect(() => api.line([0, 0], [1, 1], { color: "not-a-colour" })).toThrow(/Unknown colour/);
    api.keypoints(
      [
        { x: 1, y: 1, score: 0.9 },
        { x: 2, y: 2, score: 0.1 },
        { x: 3, y: 3, score: 0.8 },
      ],
      { edges: [[0, 1], [0, 2]], minScore: 0.5 },
    );
    api.detections([{ box: [0, 0, 2, 2], label: "dog", score: 0.5, classId: 16, trackId: 3 }]);
    const ops = take();
    expect(ops.map((op) => op.kind)).toEqual(["line", "points", "box"]);
    expect(ops[1]).toMatchObject({ points: [[1, 1], [3, 3]] });
    expect(ops[2]).toMatchObject({ label: "#3 dog 0.50", color: expect.stringMatching(/^rgb\(/) });
    expect(take()).toEqual([]);
  });

  it("types a definition's models and config", () => {
    const definition: ProjectDefinition<"detector", { threshold: number }> = { models: ["detector"], config: { threshold: 0.3 }, infer: () => null };
    expect(definition.models).toEqual(["detector"]);
  });
});
