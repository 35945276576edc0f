import { afterEach, describe, expect, it } from "vitest";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { freePort, startProcess, stopProcesses, waitForHttp, type ManagedProcess } from "@edgelens/tooling/processes";
import { ensureConsoleBuild } from "../src/console-build";
import { eventually, prepareStack, repoRoot } from "./support/stack";

/**
 * Every entry point reads the one configuration schema (packages/shared/src/env.ts): started with
 * non-default ports it listens there, on EDGELENS_HOST only; a bad value exits non-zero naming
 * the field before anything starts.
 */

/** Local addresses in LISTEN state on `port` (/proc/net/tcp and tcp6), e.g. "127.0.0.1". */
function listenAddresses(port: number): string[] {
  const found: string[] = [];
  for (const file of ["/proc/net/tcp", "/proc/net/tcp6"]) {
    for (const line of readFileSync(file, "utf8").split("\n").slice(1)) {
      const [, local, , state] = line.trim().split(/\s+/);
      if (state !== "0A" || !local) continue;
      const [hex, portHex] = local.split(":");
      if (parseInt(portHex ?? "", 16) !== port || !hex) continue;
      found.push(hex.length === 8 ? hex.match(/../g)!.reverse().map((b) => parseInt(b, 16)).join(".") : hex === "0".repeat(32) ? "::" : hex);
    }
  }
  return found;
}

/** Runs to its exit; the exit code and everything it printed. */
async function runToExit(command: string, args: string[], cwd: string, env: NodeJS.ProcessEnv): Promise<{ code: number | null; output: string }> {
  const p = startProcess("entry", command, args, { cwd, env, echo: false });
  const timer = setTimeout(() => void stopProcesses([p]), 60_000);
  const code = await p.exited;
  clearTimeout(timer);
  return { code, output: p.output() };
}

describe("configuration: every entry point listens where EDGELENS_* says", () => {
  const running: ManagedProcess[] = [];
  const cleanups: (() => void)[] = [];
  afterEach(async () => {
    await stopProcesses(running.splice(0));
    cleanups.splice(0).forEach((c) => c());
  }, 30_000);

  it.each([
    ["pnpm -s broker", false],
    ["the broker bundle (as its systemd unit runs it)", true],
  ] as const)("%s: MQTT, WebSocket and health on the configured ports of EDGELENS_HOST", async (_name, bundled) => {
    const stack = await prepareStack("cfg-broker");
    cleanups.push(stack.cleanup);
    let command = "pnpm";
    let args = ["-s", "broker"];
    if (bundled) {
      const outdir = mkdtempSync(join(tmpdir(), "edgelens-cfg-bundle-"));
      cleanups.push(() => rmSync(outdir, { recursive: true, force: true }));
      const build = await runToExit(join(repoRoot, "node_modules/.bin/tsx"), ["scripts/bundle.ts", "broker", "--outdir", outdir], repoRoot, { PATH: process.env.PATH, HOME: process.env.HOME });
      expect(build.code, build.output).toBe(0);
      command = process.execPath;
      args = [join(outdir, "main.js")];
    }
    const broker = startProcess("broker", command, args, { cwd: repoRoot, env: stack.env, echo: false });
    running.push(broker);
    const line = await broker.waitForLine((l) => l.includes('"event":"listening"'), 90_000);
    expect(JSON.parse(line)).toMatchObject({ mqtt: stack.ports.mqtt, ws: stack.ports.ws, http: stack.ports.brokerHttp });
    for (const port of [stack.ports.mqtt, stack.ports.ws, stack.ports.brokerHttp]) {
      await eventually(`listening on ${port}`, () => (listenAddresses(port).length > 0 ? true : undefined), 10_000);
      expect(listenAddresses(port), `port ${port}`).toEqual(["127.0.0.1"]);
    }
    expect((await fetch(`http://127.0.0.1:${stack.ports.brokerHttp}/healthz`)).status).toBe(200);
  }, 120_000);

  it("pnpm -s console (serve.ts, as the launcher and the systemd unit run it) listens on EDGELENS_HOST:EDGELENS_CONSOLE_PORT", async () => {
    // `next start` on the run's one production build (built here only when no suite built it yet).
    const distDir = await ensureConsoleBuild();
    const stack = await prepareStack("cfg-console");
    cleanups.push(stack.cleanup);
    const consoleProc = startProcess("console", "pnpm", ["-s", "console"], { cwd: repoRoot, env: { ...stack.env, EDGELENS_NEXT_DIST_DIR: distDir }, echo: false });
    running.push(consoleProc);
    await waitForHttp(`${stack.consoleUrl}/api/health`, 120_000, () => consoleProc.child.exitCode === null);
    expect(listenAddresses(stack.ports.console)).toEqual(["127.0.0.1"]);
    // Idle connections live past a proxy's 60 s (Node's 5 s raced clients reusing a socket: ECONNRESET on a POST).
    const health = await fetch(`${stack.consoleUrl}/api/health`);
    expect(health.headers.get("keep-alive")).toBe("timeout=65");
  }, 900_000);

  it.each([
    ["pnpm -s broker", "EDGELENS_BROKER_HTTP_PORT", "pnpm", ["-s", "broker"]],
    ["pnpm -s console", "EDGELENS_CONSOLE_PORT", "pnpm", ["-s", "console"]],
    ["the launcher", "EDGELENS_MQTT_PORT", process.execPath, ["--import", "tsx", "scripts/stack/main.ts"]],
  ] as const)("%s exits non-zero naming a bad %s", async (_name, field, command, args) => {
    const port = await freePort();
    const env = { PATH: process.env.PATH, HOME: process.env.HOME, EDGELENS_DATA_DIR: "/nonexistent/edgelens-cfg", EDGELENS_CONSOLE_PORT: String(port), [field]: "70000" };
    const { code, output } = await runToExit(command, [...args], repoRoot, env);
    expect(code).not.toBe(0);
    expect(output).toMatch(new RegExp(`${field}: .*65535`));
  }, 90_000);
});
