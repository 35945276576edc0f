import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { readFileSync, readdirSync } from "node:fs";
import { join } from "node:path";
import { topics } from "@edgelens/shared/topics";
import { isListening, signalProcess, startProcess, stopProcesses, type ManagedProcess } from "@edgelens/tooling/processes";
import { cliOk, eventually, prepareStack, repoRoot, type StackEnv } from "./support/stack";
import { subscribeResults } from "./support/subscriber";

/**
 * The README's one command (`pnpm dev` = scripts/stack/bootstrap.mjs --dev): from an empty data
 * dir to a demo device running people-counter with results on MQTT; Ctrl-C (SIGINT to the
 * launcher's process group, as a terminal sends it) stops every process and frees every port;
 * a second start reuses the data (same admin, same device, same deployment).
 */
const DEMO_DEVICE = "demo-camera";

/** Processes whose environment points at this data dir: every child of the stack inherits it. */
function processesOf(dataDir: string): number[] {
  const found: number[] = [];
  for (const entry of readdirSync("/proc")) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      if (readFileSync(`/proc/${entry}/environ`, "latin1").split("\0").includes(`EDGELENS_DATA_DIR=${dataDir}`)) found.push(Number(entry));
    } catch {
      // Gone meanwhile, or not ours to read.
    }
  }
  return found;
}

describe("pnpm dev: one command to a working demo", () => {
  let stack: StackEnv;
  let launcher: ManagedProcess | undefined;

  /** The last launcher started, kept after its stop so that a failure can show what it printed. */
  let lastLauncher: ManagedProcess | undefined;

  function start(): ManagedProcess {
    return (lastLauncher = startProcess("stack", "node", [join(repoRoot, "scripts/stack/bootstrap.mjs"), "--dev"], { cwd: repoRoot, env: stack.env, echo: false }));
  }

  /** What a terminal's Ctrl-C does: SIGINT to the foreground process group. */
  async function ctrlC(p: ManagedProcess): Promise<number | null> {
    signalProcess(p, "SIGINT");
    const timer = setTimeout(() => signalProcess(p, "SIGKILL"), 60_000);
    const code = await p.exited;
    clearTimeout(timer);
    return code;
  }

  async function expectAllStopped(): Promise<void> {
    // Children stop in their own time after the launcher returns; allow them a moment.
    await eventually("no process of the stack left", () => (processesOf(stack.dataDir).length === 0 ? true : undefined), 20_000, () => `left: ${processesOf(stack.dataDir).join(", ")}`);
    for (const port of [stack.ports.console, stack.ports.mqtt, stack.ports.ws, stack.ports.brokerHttp, stack.ports.agentStream]) expect(await isListening(port), `port ${port}`).toBe(false);
  }

  beforeAll(async () => {
    stack = await prepareStack("launcher");
    // The launcher makes up the admin's password on the first start (and keeps it): leave it unset.
    delete stack.env.EDGELENS_ADMIN_PASSWORD;
    delete stack.env.EDGELENS_BROKER_URL;
    delete stack.env.EDGELENS_CONSOLE_URL;
  });

  afterEach((ctx) => {
    // A stack process that dies makes the launcher stop the stack; the test's own error (a refused
    // connection) does not say which one or why. The launcher's output does.
    if (ctx.task.result?.state === "fail" && lastLauncher) console.error(`launcher output (last 8000 chars):\n${lastLauncher.output().slice(-8000)}`);
  });

  afterAll(async () => {
    if (launcher) await stopProcesses([launcher]);
    for (const pid of stack ? processesOf(stack.dataDir) : []) process.kill(pid, "SIGKILL");
    stack?.cleanup();
  }, 60_000);

  let firstPassword = "";
  let firstDeployment = "";

  it("starts broker, console and a demo device running people-counter, printing the URL and the admin", async () => {
    launcher = start();
    const banner = await launcher.waitForLine((l) => l.includes("Sign in:"), 420_000);
    const [, email, password] = /Sign in:\s+(\S+) \/ (\S+)/.exec(banner) ?? [];
    expect(email).toBe(stack.admin.email);
    expect(password?.length).toBeGreaterThanOrEqual(8);
    firstPassword = password!;
    expect(launcher.output()).toContain(`Console:  ${stack.consoleUrl}`);
    expect(readFileSync(join(stack.dataDir, "admin-credentials.txt"), "utf8")).toBe(`${email}\n${password}\n`);

    // The printed credentials sign in (the console's own login endpoint); others do not.
    const post = (pw: string) => fetch(`${stack.consoleUrl}/api/v1/session`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ email, password: pw }) });
    const signIn = (pw: string) =>
      post(pw)
        // A kept-alive socket the server closed as the next request went out (nothing read back): undici
        // retries only idempotent methods, so this POST is sent once more, on a new connection.
        .catch((err: unknown) => (/other side closed/.test(String((err as Error).cause)) ? post(pw) : Promise.reject(err)))
        .catch((err: unknown) => {
          // Say what the stack printed, not just the socket error.
          throw new Error(`sign-in request failed: ${String(err)} (${String((err as Error).cause)})\n${launcher!.output().slice(-4000)}`);
        });
    expect((await signIn(`${password}-wrong`)).status).toBe(401);
    const login = await signIn(password!);
    expect(login.status, await login.clone().text()).toBeLessThan(300);

    const sub = await subscribeResults(stack, topics.infer(DEMO_DEVICE), "launcher-results-1");
    try {
      await eventually("3 results from the demo device", () => (sub.results.length >= 3 ? true : undefined), 240_000, () => launcher!.output().slice(-4000));
      expect(sub.results.some((r) => (r.detections ?? []).some((d) => d.label === "person"))).toBe(true);
      firstDeployment = sub.results[0]!.deploymentId ?? "";
    } finally {
      await sub.close();
    }
    // The demo device's local stream, where EDGELENS_AGENT_STREAM_PORT says.
    expect(await (await fetch(`http://127.0.0.1:${stack.ports.agentStream}/healthz`)).json()).toMatchObject({ ok: true, deviceId: DEMO_DEVICE });
    const devices = JSON.parse(await cliOk(stack, ["device", "list", "--json"])) as { id: string; presence: string; deployment: { id: string; state: string } | null }[];
    expect(devices).toHaveLength(1);
    expect(devices[0]).toMatchObject({ id: DEMO_DEVICE, presence: "online", deployment: { state: "running" } });
    expect(devices[0]!.deployment!.id).toBe(firstDeployment);
  }, 600_000);

  it("Ctrl-C stops every process and frees every port", async () => {
    const code = await ctrlC(launcher!);
    launcher = undefined;
    expect(code).toBe(0);
    await expectAllStopped();
  }, 120_000);

  it("a second start reuses the data: same admin, same device, the same deployment resumes", async () => {
    launcher = start();
    const banner = await launcher.waitForLine((l) => l.includes("Sign in:"), 420_000);
    expect(banner).toContain(firstPassword);
    const sub = await subscribeResults(stack, topics.infer(DEMO_DEVICE), "launcher-results-2");
    try {
      await eventually("results again after the restart", () => (sub.results.length >= 3 ? true : undefined), 240_000, () => launcher!.output().slice(-4000));
      expect(sub.results.at(-1)?.deploymentId).toBe(firstDeployment);
    } finally {
      await sub.close();
    }
    const devices = JSON.parse(await cliOk(stack, ["device", "list", "--json"])) as { id: string }[];
    expect(devices.map((d) => d.id)).toEqual([DEMO_DEVICE]);
    expect(await ctrlC(launcher)).toBe(0);
    launcher = undefined;
    await expectAllStopped();
  }, 600_000);
});
