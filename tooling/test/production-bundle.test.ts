import { execFile, spawn, type ChildProcess } from "node:child_process";
import { chmodSync, existsSync, mkdtempSync, readlinkSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { mediaPath } from "@edgelens/vision/media";

/**
 * The production bundles (scripts/bundle.ts, docs/production.md) run under plain `node`, from a
 * folder outside the checkout, with no tsx anywhere: the broker migrates and listens, and the
 * agent's simulator runs a sample project in its function sandbox (dist/worker.js) with the linked
 * npm packages (onnxruntime-node, sharp, esbuild) on a real photo.
 */
const root = fileURLToPath(new URL("../..", import.meta.url));
const run = promisify(execFile);
/** Only what Node needs: no NODE_OPTIONS (a tsx loader there would hide a broken bundle). */
const baseEnv = { PATH: process.env.PATH ?? "/usr/bin:/bin", HOME: tmpdir() };

async function bundle(app: string, outdir: string): Promise<void> {
  await run(join(root, "node_modules/.bin/tsx"), [join(root, "scripts/bundle.ts"), app, "--outdir", outdir], { cwd: root, env: baseEnv });
}

/** Resolves with the first stdout line that `match` accepts; rejects when the process ends first. */
function firstLine(child: ChildProcess, match: (line: string) => boolean, output: string[]): Promise<string> {
  return new Promise((resolve, reject) => {
    let buffered = "";
    child.stdout?.on("data", (chunk: Buffer) => {
      buffered += chunk.toString("utf8");
      const lines = buffered.split("\n");
      buffered = lines.pop() ?? "";
      output.push(...lines);
      const hit = lines.find(match);
      if (hit !== undefined) resolve(hit);
    });
    child.stderr?.on("data", (chunk: Buffer) => output.push(chunk.toString("utf8")));
    child.on("exit", (code) => reject(new Error(`exited (${code}) before the expected line:\n${output.join("\n")}`)));
  });
}

function exited(child: ChildProcess): Promise<number | null> {
  return child.exitCode !== null ? Promise.resolve(child.exitCode) : new Promise((resolve) => child.once("exit", (code) => resolve(code)));
}

describe("production bundles", () => {
  let dir: string;
  let broker: ChildProcess | undefined;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), "edgelens-bundle-"));
    // As in production: the agent's function sandbox runs as nobody (the tests run as root) and
    // must be able to read the bundle (docs/production.md "Security").
    chmodSync(dir, 0o755);
    await Promise.all([bundle("broker", join(dir, "broker")), bundle("agent", join(dir, "agent"))]);
  });
  afterAll(async () => {
    if (broker && broker.exitCode === null) {
      broker.kill("SIGKILL");
      await exited(broker);
    }
    rmSync(dir, { recursive: true, force: true });
  });

  it("lays out one file per entry and links each npm package the bundled code imports", () => {
    for (const file of ["broker/main.js", "agent/cli.js", "agent/worker.js"]) expect(existsSync(join(dir, file)), file).toBe(true);
    for (const pkg of ["broker/node_modules/better-sqlite3", "broker/node_modules/aedes", "agent/node_modules/onnxruntime-node", "agent/node_modules/mqtt"]) {
      expect(readlinkSync(join(dir, pkg)), pkg).toMatch(/node_modules\/\.pnpm\//);
    }
  });

  it("broker: migrates a fresh data dir, says listening, answers /healthz and stops on SIGTERM", async () => {
    const dataDir = join(dir, "data");
    const env = { ...baseEnv, EDGELENS_DATA_DIR: dataDir, EDGELENS_HOST: "127.0.0.1", EDGELENS_MQTT_PORT: "0", EDGELENS_WS_PORT: "0", EDGELENS_BROKER_HTTP_PORT: "0" };
    const child = spawn(process.execPath, ["--enable-source-maps", join(dir, "broker/main.js")], { cwd: dir, env, stdio: ["ignore", "pipe", "pipe"] });
    broker = child;
    const output: string[] = [];
    const line = await firstLine(child, (l) => l.includes('"event":"listening"'), output);
    const ports = JSON.parse(line) as { mqtt: number; ws: number; http: number; tls: number | null };
    expect(ports.mqtt).toBeGreaterThan(0);
    expect(ports.tls).toBeNull();
    const health = await fetch(`http://127.0.0.1:${ports.http}/healthz`);
    expect(health.status, output.join("\n")).toBe(200);
    expect(existsSync(join(dataDir, "edgelens.db"))).toBe(true);
    child.kill("SIGTERM");
    expect(await exited(child), output.join("\n")).toBe(0);
  });

  it("agent: `infer` runs the object-detection template on a photo in the bundled function sandbox", async () => {
    const args = [join(dir, "agent/cli.js"), "infer", "--template", "object-detection", "--input", mediaPath("dog.jpg")];
    const { stdout, stderr } = await run(process.execPath, args, { cwd: dir, env: baseEnv, maxBuffer: 16 * 1024 * 1024 });
    const results = stdout
      .trim()
      .split("\n")
      .map((l) => JSON.parse(l) as { projectId: string; detections?: { label: string }[] });
    expect(results, stderr).toHaveLength(1);
    expect(results[0]?.projectId).toBe("object-detection");
    expect(results[0]?.detections?.map((d) => d.label), stderr).toContain("dog");
  });
});
