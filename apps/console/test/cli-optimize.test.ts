import { existsSync, mkdtempSync, rmSync, symlinkSync, mkdirSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { mediaPath } from "@edgelens/vision/media";
import { ensureSampleModels, getSampleModel } from "@edgelens/vision/models";
import { runAgentCli, runCli } from "./support/cli";
import { TEST_SECRET } from "./support/temp-context";

/** `edgelens model optimize --int8` on CenterNet: a new deployable version, its file runs in the agent. */
describe("edgelens model optimize", () => {
  let dir: string;
  let env: Record<string, string>;
  const cli = (...args: string[]) => runCli(args, env, 180_000);

  beforeAll(async () => {
    await ensureSampleModels();
    dir = mkdtempSync(join(tmpdir(), "edgelens-cli-optimize-"));
    env = { EDGELENS_DATA_DIR: dir, EDGELENS_SECRET: TEST_SECRET };
    // Calibration photos by link: media is never copied.
    mkdirSync(join(dir, "calib"));
    for (const f of ["messi5.jpg", "person.jpg"] as const) symlinkSync(mediaPath(f), join(dir, "calib", f));
    const imported = await cli("model", "import", getSampleModel("centernet").path, "--name", "centernet");
    expect(imported.code, imported.stderr).toBe(0);
  }, 120_000);
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it("refuses to run without calibration images and keeps the versions as they were", async () => {
    const r = await cli("model", "optimize", "centernet", "--int8");
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/INVALID_PAYLOAD: model "centernet@1": no calibration images and no sample inputs/);
    const list = JSON.parse((await cli("model", "list", "--json")).stdout) as { latest: { version: number } }[];
    expect(list[0]?.latest.version).toBe(1);
  }, 120_000);

  it("writes an int8 version with its accuracy, --out writes the file, and the agent runs it", async () => {
    const out = join(dir, "centernet-int8.onnx");
    const r = await cli("model", "optimize", "centernet", "--int8", "--calibration", join(dir, "calib"), "--out", out);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toMatch(/optimizing centernet: calibrate \d+%/);
    const result = JSON.parse(r.stdout) as { version: { version: number; source: string; labels: string[] | null }; accuracy: { kind: string; images: number; boxMatchRate: number } };
    expect(result.version).toMatchObject({ version: 2, source: "int8:centernet@v1" });
    expect(result.accuracy).toMatchObject({ kind: "centernet", images: 2 });
    expect(result.accuracy.boxMatchRate).toBeGreaterThan(0);
    expect(existsSync(out)).toBe(true);
    const show = JSON.parse((await cli("model", "list", "--json")).stdout) as { latest: { version: number } }[];
    expect(show[0]?.latest.version).toBe(2);

    const infer = await runAgentCli(["infer", "--template", "object-detection", "--model", `detector=${out}`, "--input", mediaPath("dog.jpg")]);
    expect(infer.code, infer.stderr).toBe(0);
    const frame = JSON.parse(infer.stdout.trim().split("\n")[0] ?? "{}") as { detections?: { label: string }[] };
    expect(frame.detections?.map((d) => d.label)).toContain("dog");
  }, 300_000);
});
