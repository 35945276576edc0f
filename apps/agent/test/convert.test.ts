import { spawn } from "node:child_process";
import { existsSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { createOrtModelRunner } from "@edgelens/vision/onnx";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

const repo = fileURLToPath(new URL("../../../", import.meta.url));
// The TF.js graph model that @edgelens/vision's devDependency @vladmandic/human ships.
const blazeface = join(repo, "packages/vision/node_modules/@vladmandic/human/models/blazeface.json");
let dir: string;

function agent(args: string[]): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [join(repo, "node_modules/tsx/dist/cli.mjs"), join(repo, "apps/agent/src/cli.ts"), ...args], { cwd: repo });
    let stdout = "";
    let stderr = "";
    child.stdout.setEncoding("utf8").on("data", (t: string) => (stdout += t));
    child.stderr.setEncoding("utf8").on("data", (t: string) => (stderr += t));
    child.on("error", reject);
    child.on("close", (code) => resolve({ code, stdout, stderr }));
  });
}

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), "edgelens-convert-"));
});

afterAll(() => {
  rmSync(dir, { recursive: true, force: true });
});

describe("edgelens-agent convert", () => {
  it("converts BlazeFace's TF.js graph model to an ONNX model onnxruntime opens", async () => {
    const out = join(dir, "blazeface.onnx");
    const run = await agent(["convert", blazeface, out]);
    expect(run.code, run.stderr).toBe(0);
    expect(run.stderr).toMatch(/^weights \d+\/\d+$/m);
    expect(run.stderr).toMatch(/wrote .*blazeface\.onnx \(\d+ bytes/);
    const runner = await createOrtModelRunner(out, { name: "faces", threads: 1 });
    try {
      expect(runner.inputs[0]?.shape).toEqual([1, 256, 256, 3]);
      expect(runner.outputs.map((o) => o.shape).sort()).toEqual([
        [1, 384, 1],
        [1, 384, 16],
        [1, 512, 1],
        [1, 512, 16],
      ]);
    } finally {
      await runner.dispose();
    }
  });

  it("fails clearly, leaving no output, on a missing or broken model.json", async () => {
    const out = join(dir, "never.onnx");
    const missing = await agent(["convert", join(dir, "missing.json"), out]);
    expect(missing.code).not.toBe(0);
    expect(missing.stderr).toMatch(/error \[\w+\]: .*missing\.json/);
    const broken = join(dir, "broken.json");
    writeFileSync(broken, "{ not json");
    const bad = await agent(["convert", broken, out]);
    expect(bad.code).not.toBe(0);
    expect(bad.stderr).toMatch(/error \[\w+\]: /);
    expect(existsSync(out)).toBe(false);
  });
});
