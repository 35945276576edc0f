/**
 * Staged rollouts on real agents, driven by the CLI and watched and steered in the browser
 * (issue 17): the real broker, the real console (`next start` of the run's build, its own rollout
 * engine), Debian's Chromium and a fleet of real agent daemons in one process
 * (@edgelens/tooling/agent-fleet), each running BlazeFace on ffmpeg's test pattern at 2 fps.
 * A version that breaks during its soak aborts the rollout after its first batch: the agents roll
 * back by themselves, the devices not reached are never told, the pinned one is left out. A good
 * version is paused and resumed from the rollout page and completes. A second group of higher
 * priority takes two of the devices from the first: their agents switch projects in one step.
 */
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Browser, BrowserContext, Page } from "playwright-core";
import { DeviceFileSchema, ReportedStateSchema } from "@edgelens/shared/schemas";
import { topics } from "@edgelens/shared/topics";
import { FLEET_TEST_CONFIG, startAgentFleet, type AgentFleet } from "@edgelens/tooling/agent-fleet";
import type { RolloutView } from "../src/server/services/rollouts";
import { runCli, type CliResult } from "./support/cli";
import { repoRoot } from "./support/paths";
import { launchBrowser, newContext, screenshot, watchErrors } from "./ui-support/browser";
import { signIn, waitForAttribute } from "./ui-support/pages";
import { ADMIN, SECRET, startUiStack, type UiStack } from "./ui-support/stack";

const IDS = ["roll-1", "roll-2", "roll-3", "roll-4"];
const PINNED = "roll-4";

/** `config.mode` "throw": the version passes its first frame (its trial), then throws on every frame. */
const FUNCTION_SOURCE = `
import { defineProject } from "@edgelens/vision/project";
let n = 0;
export default defineProject({
  models: ["faces"],
  config: { mode: "ok" },
  async infer(frame, ctx) {
    n += 1;
    if (ctx.config.mode === "throw" && n > 1) throw new Error("this version breaks after its first frame");
    const { tensor, transform } = ctx.vision.letterbox(frame, 256, 256, { normalize: "symmetric" });
    const faces = ctx.vision.decodeBlazeFace(await ctx.models.faces.run({ input: tensor }), { transform, scoreThreshold: 0.5 });
    return { counts: { face: faces.length } };
  },
});
`;
const CONFIG = { source: "testsrc://testsrc?size=320x240&rate=2", fps: 2, width: 320, height: 240 };

describe("staged rollouts on real agents, in the browser", () => {
  let stack: UiStack;
  let fleet: AgentFleet;
  let browser: Browser;
  let context: BrowserContext;
  let page: Page;
  let errors: string[];
  let base: string;
  let projectId = "";
  let env: Record<string, string>;

  const cli = async (args: string[], timeoutMs?: number): Promise<CliResult> => {
    const r = await runCli(args, env, timeoutMs);
    expect(r.code, `edgelens ${args.join(" ")}\n${r.stderr}`).toBe(0);
    return r;
  };
  const show = async (id: string): Promise<RolloutView> => JSON.parse((await cli(["deployment", "show", id, "--json"])).stdout) as RolloutView;
  const versionsOn = async (deviceId: string): Promise<number[]> => {
    const res = await page.request.get(`${base}/api/v1/deployments?deviceId=${deviceId}&projectId=${projectId}`);
    expect(res.status()).toBe(200);
    return ((await res.json()) as { deployments: { projectVersion: number | null }[] }).deployments.map((d) => d.projectVersion ?? 0);
  };
  const saveVersion = async (mode: "ok" | "throw"): Promise<number> => {
    const res = await page.request.post(`${base}/api/v1/projects/${projectId}/versions`, { data: { config: { ...CONFIG, mode } } });
    expect(res.status(), await res.text()).toBe(201);
    return ((await res.json()) as { version: { version: number } }).version.version;
  };
  const fleetLog = () => fleet.proc.output().slice(-3000);
  /** What the agent itself says it runs: its retained `shadow/reported`, project id → state. */
  const runsOn = async (deviceId: string): Promise<Record<string, string>> => {
    const line = JSON.parse((await cli(["sub", topics.shadowReported(deviceId), "--count", "1", "--timeout", "30"])).stdout.trim()) as { payload: unknown };
    return Object.fromEntries((ReportedStateSchema.parse(line.payload).projects ?? []).map((p) => [p.project.id, p.state]));
  };
  const createProject = async (name: string): Promise<string> => {
    const fn = join(stack.workDir, "faces-fn.ts");
    writeFileSync(fn, FUNCTION_SOURCE);
    const created = await cli(["project", "create", "--name", name, "--template", "face-detection", "--function", fn, "--config", JSON.stringify({ ...CONFIG, mode: "ok" })]);
    return (JSON.parse(created.stdout) as { id: string }).id;
  };

  beforeAll(async () => {
    stack = await startUiStack("e2e-rollout");
    base = stack.console.url;
    env = { EDGELENS_DATA_DIR: stack.dataDir, EDGELENS_SECRET: SECRET, EDGELENS_BROKER_URL: stack.broker.mqttUrl };
    const devices = [];
    for (const id of IDS) {
      const file = join(stack.workDir, `${id}.json`);
      await cli(["device", "register", id, "--out", file]);
      const { deviceId, secret } = DeviceFileSchema.parse(JSON.parse(readFileSync(file, "utf8")));
      devices.push({ deviceId, secret });
      await cli(["device", "tag", id, "site=lab"]);
    }
    await cli(["group", "create", "lab", "--query", "site = 'lab'"]);
    projectId = await createProject("lab-faces");
    fleet = await startAgentFleet({ repoRoot, dir: join(stack.workDir, "fleet"), devices, brokerUrl: stack.broker.mqttUrl, consoleUrl: base, config: FLEET_TEST_CONFIG });
    browser = await launchBrowser();
    context = await newContext(browser);
    page = await context.newPage();
    errors = watchErrors(page);
    await signIn(page, base, ADMIN.email, ADMIN.password);
  }, 240_000);

  afterAll(async () => {
    await Promise.allSettled([fleet?.stop(), browser?.close()]);
    await stack?.stop();
  }, 120_000);

  it("runs version 1 on the whole group, then pins one device", async () => {
    const deployed = await runCli(["deploy", projectId, "--group", "lab", "--wait", "--timeout", "150"], env, 170_000);
    expect(deployed.code, `${deployed.stderr}\n${fleetLog()}`).toBe(0);
    for (const id of IDS) expect(await versionsOn(id)).toEqual([1]);
    await cli(["device", "pin", PINNED]);
  }, 200_000);

  it("aborts a version that breaks in its soak after the first batch: the agents roll back, the rest are never told", async () => {
    const broken = await saveVersion("throw");
    const created = await cli(["deploy", projectId, "--group", "lab", "--batch", "2", "--abort-failures", "50%", "--abort-min", "2", "--soak", "4", "--json"]);
    expect(created.stderr).toContain(`pinned, left out: ${PINNED}`);
    const { id } = JSON.parse(created.stdout) as RolloutView;
    await page.goto(`${base}/rollouts/${id}`);
    await waitForAttribute(page, "[data-testid=rollout-state]", "data-state", "aborted", 150_000).catch((err: unknown) => {
      throw new Error(`rollout not aborted: ${String(err)}\n${fleetLog()}`);
    });
    // The agents' own rollback reports arrive after the abort.
    await expect
      .poll(() => page.locator("[data-testid=rollout-device][data-state=rolled-back]").count(), { timeout: 90_000 })
      .toBe(2)
      .catch(async (err: unknown) => {
        throw new Error(`the page never showed 2 rolled back: ${String(err)}\nthe server says ${JSON.stringify((await show(id)).devices)}\n${fleetLog()}`);
      });
    expect(await page.getByRole("alert").first().textContent()).toContain("2 of 2 finished devices failed");
    await screenshot(page, "rollout-aborted");

    const r = await show(id);
    expect(r.counts).toEqual({ targeted: 3, notified: 2, running: 0, failed: 2, rolledBack: 2, pending: 1 });
    expect(r.devices.map((d) => d.id)).not.toContain(PINNED);
    const [first, second, untouched] = r.devices;
    for (const d of [first!, second!]) expect(d, JSON.stringify(d)).toMatchObject({ state: "rolled-back", soak: "failed", reason: expect.stringMatching(/^soak failed: /) });
    expect(untouched!.state).toBe("pending");
    // Never told: no deployment of the broken version exists for the untouched or the pinned device.
    for (const dev of [untouched!.id, PINNED]) expect(await versionsOn(dev)).not.toContain(broken);
    for (const d of [first!, second!]) expect(await versionsOn(d.id)).toContain(broken);
  }, 240_000);

  it("pauses and resumes a good version from the rollout page; it completes on every unpinned device", async () => {
    const good = await saveVersion("ok");
    // A 4 s soak: the last batch is told two soaks and two deployments after the first at the
    // earliest (12 s and more), so the pause lands before it on a loaded box (the page is opened
    // without waiting for network idle, which a live page never reaches). It was 10 s: 18 s of CI.
    const created = await cli(["deploy", projectId, "--group", "lab", "--batch", "1", "--increase", "1", "--soak", "4", "--json"]);
    const { id } = JSON.parse(created.stdout) as RolloutView;
    await page.goto(`${base}/rollouts/${id}`);
    await waitForAttribute(page, "[data-testid=rollout-state]", "data-state", "rolling", 30_000);
    // The engine tells the first batch on its next tick: pausing before that would test nothing of
    // "those told carry on" (an unloaded box got there first).
    await expect.poll(async () => (await show(id)).counts.notified, { timeout: 60_000, interval: 200 }).toBeGreaterThanOrEqual(1);
    await page.getByRole("button", { name: "Pause" }).click();
    await waitForAttribute(page, "[data-testid=rollout-state]", "data-state", "paused", 30_000);
    const atPause = (await show(id)).counts.notified;
    expect(atPause).toBeGreaterThanOrEqual(1);
    expect(atPause, "the pause came after the last batch was told").toBeLessThan(3);
    // Devices told before the pause carry on and pass their soak; nobody else is told meanwhile.
    await expect
      .poll(async () => (await show(id)).counts.running, { timeout: 120_000, interval: 500 })
      .toBe(atPause);
    const paused = await show(id);
    expect(paused).toMatchObject({ state: "paused", counts: { notified: atPause, pending: 3 - atPause } });
    await expect.poll(() => page.locator("[data-testid=rollout-device][data-state=running]").count(), { timeout: 30_000 }).toBe(atPause);
    await screenshot(page, "rollout-paused");

    await page.getByRole("button", { name: "Resume" }).click();
    await waitForAttribute(page, "[data-testid=rollout-state]", "data-state", "completed", 180_000).catch((err: unknown) => {
      throw new Error(`rollout not completed: ${String(err)}\n${fleetLog()}`);
    });
    const done = await show(id);
    expect(done.counts).toEqual({ targeted: 3, notified: 3, running: 3, failed: 0, rolledBack: 0, pending: 0 });
    expect(done.devices.map((d) => [d.batch, d.soak])).toEqual([[0, "passed"], [1, "passed"], [2, "passed"]]);
    for (const d of done.devices) expect(await versionsOn(d.id)).toContain(good);
    expect(await versionsOn(PINNED)).not.toContain(good);
    await expect.poll(() => page.getByTestId("rollout-group").textContent()).toContain("Over group lab");
    await screenshot(page, "rollout-completed");
    // The completed rollout is the group's deployment now: what a device joining later gets.
    await page.goto(`${base}/groups/lab`);
    await expect.poll(() => page.getByText(`Current deployment: lab-faces v${good}`).count()).toBe(1);
    expect(errors.filter((e) => !/__nextjs|\/_next\//i.test(e))).toEqual([]);
  }, 300_000);

  it("holds devices back by --max-per-minute, says until when, and a cancel from the page leaves the rest untold", async () => {
    const next = await saveVersion("ok");
    const created = await cli(["deploy", projectId, "--group", "lab", "--batch", "1", "--increase", "1", "--max-per-minute", "2", "--soak", "0", "--json"]);
    const { id } = JSON.parse(created.stdout) as RolloutView;
    await page.goto(`${base}/rollouts/${id}`);
    // Two told a minute at most: the third waits for the first to leave the window, though the batch wants it.
    await expect.poll(() => page.getByTestId("rollout-held").count(), { timeout: 90_000 }).toBe(1);
    const held = await show(id);
    expect(held.counts).toMatchObject({ notified: 2, running: 2, pending: 1 });
    expect(held.heldUntil).toBe(held.devices[0]!.notifiedAt! + 60_000);
    expect(Number(await page.getByTestId("rollout-held").getAttribute("data-until"))).toBe(held.heldUntil);
    await page.getByRole("button", { name: "Cancel" }).click();
    await waitForAttribute(page, "[data-testid=rollout-state]", "data-state", "cancelled", 30_000);
    const cancelled = await show(id);
    expect(cancelled).toMatchObject({ state: "cancelled", heldUntil: null, counts: { notified: 2, running: 2, pending: 1 } });
    expect(await versionsOn(cancelled.devices[2]!.id)).not.toContain(next);
    await screenshot(page, "rollout-cancelled");
  }, 150_000);

  it("a group of higher priority takes its devices from the other group: their agents switch projects in one step, the device page says why", async () => {
    const other = await createProject("front-faces");
    await cli(["group", "create", "front", "--devices", "roll-2,roll-3"]);
    const deployed = await runCli(["deploy", other, "--group", "front", "--priority", "5", "--wait", "--timeout", "150"], env, 170_000);
    expect(deployed.code, `${deployed.stderr}\n${fleetLog()}`).toBe(0);
    // The agents run the winner alone (lab-faces is stopped once front-faces runs); roll-1 is only in lab.
    for (const id of ["roll-2", "roll-3"]) {
      await expect.poll(() => runsOn(id), { timeout: 60_000, interval: 500 }).toEqual({ [other]: "running" });
      const res = await page.request.get(`${base}/api/v1/deployments?deviceId=${id}&projectId=${projectId}`);
      const { deployments } = (await res.json()) as { deployments: { kind: string; state: string; reason: string | null }[] };
      expect(deployments[0]).toMatchObject({ kind: "undeploy", state: "removed", reason: "replaced by a group deployment of higher priority" });
    }
    expect(await runsOn("roll-1")).toEqual({ [projectId]: "running" });
    const res = await page.request.get(`${base}/api/v1/devices/roll-2/assignment`);
    const { assignment } = (await res.json()) as { assignment: { reason: string; groups: { name: string }[] } };
    expect(assignment.groups.map((g) => g.name)).toEqual(["front", "lab"]);
    expect(assignment.reason).toMatch(/^runs front-faces v1 from group front \(priority 5\), which outranks group lab \(priority 0\)/);

    await page.goto(`${base}/devices/roll-2`);
    await expect.poll(() => page.getByTestId("device-assignment").textContent()).toContain("from group front (priority 5), which outranks group lab");
    await expect.poll(() => page.getByTestId(`device-project-${other}`).getAttribute("data-state"), { timeout: 30_000 }).toBe("running");
    expect(await page.getByTestId(`device-project-${projectId}`).count()).toBe(0);
    // In the history, the lab-faces versions that ran here read superseded; the one running does not.
    const deploymentsOf = async (query: string) =>
      ((await (await page.request.get(`${base}/api/v1/deployments?deviceId=roll-2&${query}`)).json()) as { deployments: { id: string }[] }).deployments.map((d) => d.id);
    const ranBefore = await deploymentsOf(`projectId=${projectId}&state=running`);
    expect(ranBefore.length).toBeGreaterThan(0);
    // Polled: a live refresh of the page may be under way (seen once with two badges in the DOM).
    for (const id of ranBefore) await expect.poll(() => page.getByTestId(`deployment-superseded-${id}`).count(), { message: id }).toBe(1);
    const [runsNow] = await deploymentsOf(`projectId=${other}`);
    expect(await page.getByTestId(`deployment-superseded-${runsNow!}`).count()).toBe(0);
    await screenshot(page, "device-group-priority");

    // A newer deployment to the lower group leaves the devices the higher one holds alone.
    const again = JSON.parse((await cli(["deploy", projectId, "--group", "lab", "--json"])).stdout) as { deployments: { deviceId: string }[]; skipped: { deviceId: string; reason: string }[] };
    expect(again.deployments.map((d) => d.deviceId)).toEqual(["roll-1"]);
    expect(again.skipped).toEqual(
      expect.arrayContaining([
        { deviceId: "roll-2", reason: "runs the winning group deployment already" },
        { deviceId: "roll-3", reason: "runs the winning group deployment already" },
        { deviceId: PINNED, reason: "pinned" },
      ]),
    );
    expect(await runsOn("roll-2")).toEqual({ [other]: "running" });

    // A project deployed to a device directly runs beside its group's: the device list shows every project.
    await cli(["deploy", other, "--device", "roll-1"]);
    await page.goto(`${base}/devices`);
    const listed = (id: string) => page.getByTestId(`device-projects-${id}`).locator("li").evaluateAll((els) => els.map((e) => e.getAttribute("data-project")));
    await expect.poll(() => listed("roll-1"), { timeout: 30_000 }).toEqual([projectId, other]);
    expect(await listed("roll-2")).toEqual([other]);
    await screenshot(page, "devices-projects");
  }, 240_000);
});
