import { chmodSync, existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { compileProjectFunction, type Frame } from "@edgelens/vision/project";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { loadProject, type ProjectHandle } from "../src/runtime/index";

/**
 * Hostile functions against the real function sandbox (runtime/launch-worker.ts): each attack of
 * issue 13.9 is refused or killed with a FUNCTION_FAILED naming it, and the project goes on.
 */

let dir: string;
let deviceFile: string;
let dataDir: string;
let openSecret: string;
let addon: string;
const handles: ProjectHandle[] = [];

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), "edgelens-sandbox-"));
  deviceFile = join(dir, "edgelens-device.json");
  writeFileSync(deviceFile, JSON.stringify({ deviceId: "cam-1", secret: "device-secret-0123456789" }), { mode: 0o600 });
  dataDir = join(dir, "data");
  mkdirSync(join(dataDir, "artifacts"), { recursive: true });
  // Readable by anyone as far as the file system goes: only the permission model keeps it out.
  chmodSync(dir, 0o755);
  openSecret = join(dir, "world-readable.txt");
  writeFileSync(openSecret, "not for functions", { mode: 0o644 });
  // A real native addon the sandbox never loads (better-sqlite3's), for the dlopen attack.
  const sqlite = dirname(createRequire(import.meta.url).resolve("better-sqlite3/package.json"));
  addon = join(sqlite, "build", "Release", "better_sqlite3.node");
  if (!existsSync(addon)) throw new Error(`no addon to dlopen at ${addon}`);
});

afterAll(async () => {
  await Promise.all(handles.map((h) => h.dispose()));
  rmSync(dir, { recursive: true, force: true });
});

async function load(source: string, options: { maxRssMb?: number } = {}): Promise<ProjectHandle> {
  const { code } = await compileProjectFunction(source, { filename: "function.ts" });
  const handle = await loadProject({ projectId: "hostile", code, models: {}, config: {}, timeoutMs: 20_000, threads: 1, ...options });
  handles.push(handle);
  return handle;
}

function frame(seq: number): Frame {
  return { data: new Uint8Array(8 * 4 * 3), width: 8, height: 4, seq, ts: Date.now() };
}

/** Frame n runs attack n; each attack returns what it got, which the sandbox must not let it get. */
const ATTACKS = [
  ["child_process via process.getBuiltinModule", `process.getBuiltinModule("node:child_process").execSync("id").toString()`],
  ["child_process via require", `process.getBuiltinModule("node:module").createRequire("/")("child_process").spawnSync("id").stdout.toString()`],
  ["the device file", `process.getBuiltinModule("node:fs").readFileSync(${JSON.stringify("DEVICE")}, "utf8")`],
  ["the data dir", `process.getBuiltinModule("node:fs").readdirSync(${JSON.stringify("DATA")}).join(",")`],
  ["a world-readable file", `process.getBuiltinModule("node:fs").readFileSync(${JSON.stringify("OPEN")}, "utf8")`],
  ["a write to /tmp", `(process.getBuiltinModule("node:fs").writeFileSync("/tmp/edgelens-sandbox-escape.node", "x"), "written")`],
  ["process.dlopen of an addon", `(process.dlopen({ exports: {} }, ${JSON.stringify("ADDON")}), "loaded")`],
] as const;

function hostileSource(): string {
  const paths = (text: string) => text.replace('"DEVICE"', JSON.stringify(deviceFile)).replace('"DATA"', JSON.stringify(dataDir)).replace('"OPEN"', JSON.stringify(openSecret)).replace('"ADDON"', JSON.stringify(addon));
  const cases = ATTACKS.map(([, attack], i) => `    if (frame.seq === ${i}) return { counts: {}, extra: { got: ${paths(attack)} } };`).join("\n");
  return `export default { infer(frame) {\n${cases}\n    return { counts: { uid: process.getuid() } };\n  } };`;
}

describe("function sandbox", () => {
  it("refuses child processes, reads of the device file and data dir, writes and dlopen, and keeps the project running", async () => {
    const handle = await load(hostileSource());
    for (const [i, [name]] of ATTACKS.entries()) {
      const outcome = await handle.process(frame(i)).then(
        (result) => `not refused: ${JSON.stringify(result.output?.extra)}`,
        (error: Error & { code?: string }) => `${error.code} ${error.message}`,
      );
      expect(outcome, name).toMatch(/^FUNCTION_FAILED the function sandbox refused (ChildProcess|FileSystemRead|FileSystemWrite|NativeAddon)/);
    }
    // Refusals are per-frame errors: the same sandbox answers the next frame.
    const after = await handle.process(frame(99));
    expect(handle.restarts).toBe(0);
    // As root, the agent runs functions as an unprivileged user (nobody by default).
    if (process.getuid?.() === 0) expect(after.output?.counts?.uid).toBe(65534);
    expect(existsSync("/tmp/edgelens-sandbox-escape.node")).toBe(false);
  });

  it("kills a function whose memory outside the V8 heap passes the RSS bound, even one that hides it", { timeout: 120_000 }, async () => {
    // 256 MiB per frame, written (resident), kept, and process.memoryUsage() lied to, which
    // defeats the sandbox's own ArrayBuffer check: only the agent's RSS watchdog is left.
    const handle = await load(
      "const keep = []; export default { infer(frame) { if (frame.seq < 10) { process.memoryUsage = () => ({ rss: 0, heapTotal: 0, heapUsed: 0, external: 0, arrayBuffers: 0 }); const b = new Uint8Array(256 * 1024 * 1024); b.fill(1); keep.push(b); } return { counts: { held: keep.length } }; } };",
      { maxRssMb: 300 },
    );
    let failure: (Error & { code?: string }) | undefined;
    for (let seq = 0; seq < 4 && !failure; seq += 1) {
      failure = await handle.process(frame(seq)).then(
        () => undefined,
        (error: Error & { code?: string }) => error,
      );
    }
    expect(failure?.code).toBe("FUNCTION_FAILED");
    expect(failure?.message).toMatch(/the function used \d+ MB of memory \(RSS\), over its 300 MB limit/);
    // Its sandbox is restarted empty and answers again.
    await expect.poll(() => handle.restarts, { timeout: 20_000 }).toBeGreaterThanOrEqual(1);
    expect((await handle.process(frame(10))).output?.counts).toEqual({ held: 0 });
  });
});
