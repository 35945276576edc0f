/**
 * End to end through the browser: real broker, the real console (`next start` of the run's build), Debian's Chromium, and
 * the real agent on the sample video (one node process on apps/agent/src/cli.ts). A broken broker or
 * agent fails the suite: nothing here skips.
 * Screenshots of the main pages land in apps/console/test-results/e2e/.
 */
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Browser, BrowserContext, Page } from "playwright-core";
import type { ManagedProcess } from "@edgelens/tooling/processes";
import { startAgent } from "./ui-support/agent";
import { launchBrowser, newContext, screenshot, watchErrors } from "./ui-support/browser";
import { readDesiredState, readDeviceFile } from "./ui-support/device-client";
import { checkEventsAndSettings, checkModelImport, checkMqttClient, checkPhone, checkRules, checkViewer, checkZones } from "./ui-support/flows";
import { checkClip } from "./ui-support/clip-flows";
import { checkGroupJoin } from "./ui-support/group-flows";
import { goto, signIn, waitForAttribute, waitForUrlOrFormError } from "./ui-support/pages";
import { ADMIN, startUiStack, type UiStack } from "./ui-support/stack";

const VIDEO = "/work/shared/media/vtest.avi";
/** A real ONNX model to upload: PP-OCRv4 text detection, built into packages/vision/.models by `pnpm models`. */
const ONNX_FILE = fileURLToPath(new URL("../../../packages/vision/.models/ppocr-det.onnx", import.meta.url));

describe("console UI end to end", () => {
  let stack: UiStack;
  let browser: Browser;
  let context: BrowserContext;
  let page: Page;
  let errors: string[];
  let base: string;
  let agent: ManagedProcess | null = null;
  const deviceFilePath = () => join(stack.workDir, "edgelens-device.json");
  let projectId = "";
  let deploymentId = "";
  /** Set once the agent ran the project: only then has the rule seen results to store. */
  let ranLive = false;

  beforeAll(async () => {
    stack = await startUiStack("e2e-ui");
    base = stack.console.url;
    browser = await launchBrowser();
    context = await newContext(browser);
    page = await context.newPage();
    errors = watchErrors(page);
  }, 180_000);

  afterAll(async () => {
    await Promise.allSettled([agent?.stop(), browser?.close()]);
    await stack?.stop();
  }, 120_000);

  it("sends a signed-out visitor to sign in, then shows the dashboard", async () => {
    await page.goto(`${base}/login`);
    await screenshot(page, "login");
    await signIn(page, base, ADMIN.email, ADMIN.password);
    expect(new URL(page.url()).pathname).toBe("/");
    await expect.poll(() => page.locator("[data-testid=dashboard-stats]").isVisible(), { timeout: 60_000 }).toBe(true);
    expect(await page.locator("[data-testid=current-user]").first().textContent()).toBeTruthy();
    await waitForAttribute(page, "[data-testid=mqtt-state]", "data-state", "connected", 30_000);
    // A fresh install: the admin is shown the way to first results, nothing of it done yet.
    expect(await page.locator("[data-testid^=get-started-]").evaluateAll((steps) => steps.map((s) => [s.getAttribute("data-testid"), s.getAttribute("data-done")]))).toEqual([
      ["get-started-device", "false"],
      ["get-started-project", "false"],
      ["get-started-deployment", "false"],
      ["get-started-rule", "false"],
    ]);
    expect(await page.getByTestId("get-started-device").getByRole("link", { name: "Register" }).getAttribute("href")).toBe("/devices/new");
    await screenshot(page, "dashboard");
  }, 240_000);

  it("registers a device: downloads edgelens-device.json once and shows the agent command", async () => {
    await goto(page, base, "/devices");
    await expect.poll(() => page.getByTestId("empty-state").isVisible()).toBe(true);
    await page.getByRole("link", { name: "Register device" }).first().click();
    await page.waitForURL(/\/devices\/new$/);
    await page.fill("#name", "Front door");
    expect(await page.inputValue("#id")).toBe("front-door");
    const [download] = await Promise.all([page.waitForEvent("download", { timeout: 60_000 }), page.getByRole("button", { name: "Register and download credentials" }).click()]);
    expect(download.suggestedFilename()).toBe("edgelens-device.json");
    await download.saveAs(deviceFilePath());
    const file = readDeviceFile(deviceFilePath());
    expect(file).toMatchObject({ deviceId: "front-door", brokerUrl: stack.broker.mqttUrl });
    expect(await page.getByTestId("agent-command").textContent()).toBe("pnpm -s agent run --device-file edgelens-device.json");
    await waitForAttribute(page, "[data-testid=registration-status]", "data-registration", "awaiting-credentials", 10_000);
    await screenshot(page, "device-registered-awaiting");
  }, 180_000);

  it("moves the device from awaiting credentials to registered live when it connects", async () => {
    agent = startAgent("edgelens-device.json", stack.workDir);
    // The agent's own output, not a bare timeout, when it never registers.
    const agentLog = () => `agent output:\n${agent?.output().slice(-3000) ?? ""}`;
    await waitForAttribute(page, "[data-testid=registration-status]", "data-registration", "registered", 90_000).catch((err: Error) => {
      throw new Error(`${err.message}\n${agentLog()}`);
    });
    await waitForAttribute(page, "[data-testid=registration-status]", "data-presence", "online", 30_000);
    await screenshot(page, "device-registered-live");
    await goto(page, base, "/devices");
    expect(await page.getByTestId("device-row-front-door").textContent()).toContain("Front door");
    await screenshot(page, "devices");
  }, 180_000);

  it("creates a project from the people-counter template; a compile error shows at its line", async () => {
    await goto(page, base, "/projects/new");
    await page.getByTestId("template-people-counter").click();
    await page.fill("#project-name", "lobby-counter");
    await page.getByRole("button", { name: "Create project" }).click();
    await waitForUrlOrFormError(page, /^\/projects\/(?!new$)[^/]+$/, 120_000);
    projectId = new URL(page.url()).pathname.split("/").pop()!;
    const editor = page.locator("[data-testid=function-editor] .cm-content");
    await editor.waitFor({ timeout: 60_000 });
    expect(await editor.textContent()).toContain("defineProject");

    await editor.click();
    await page.keyboard.press("Control+End");
    await page.keyboard.insertText("\nconst broken = ;");
    await page.getByTestId("project-save").click();
    const marker = page.locator(".cm-compile-error");
    await marker.waitFor({ timeout: 60_000 });
    expect(await marker.textContent()).toMatch(/^line \d+:\d+: /);
    expect(await page.locator(".cm-compile-error-line").textContent()).toContain("const broken = ;");
    expect(await page.getByTestId("save-result").textContent()).toContain("does not compile");
    await screenshot(page, "project-compile-error");

    await editor.click();
    await page.keyboard.press("Control+z");
    await expect.poll(() => editor.textContent()).not.toContain("broken");
    await page.fill("#cfg-source", VIDEO);
    await page.getByTestId("project-save").click();
    await expect.poll(() => page.getByTestId("save-result").textContent(), { timeout: 60_000 }).toContain("Saved as version 2");
    await screenshot(page, "project");
  }, 300_000);

  it("rules: the test box runs the SQL as typed; a rule is saved, listed, switched off and on", async () => {
    await checkRules(page, base);
  }, 180_000);

  it("deploys to the device: a queued deployment and the retained desired state", async () => {
    expect(projectId, "the project step created no project").not.toBe("");
    await goto(page, base, `/projects/${projectId}`);
    await expect.poll(() => page.getByTestId("project-versions").textContent(), { timeout: 30_000 }).toContain("v2");
    await page.getByTestId("project-deploy").click();
    // The dialog searches the fleet on the server.
    await page.getByTestId("deploy-device-search").fill("no-such-camera");
    await expect.poll(() => page.getByTestId("deploy-device-none").textContent(), { timeout: 30_000 }).toContain("No device matches “no-such-camera”");
    await page.getByTestId("deploy-device-search").fill("front");
    await page.getByTestId("deploy-device-front-door").check();
    await page.getByTestId("deploy-confirm").click();
    const link = page.getByTestId("started-deployment");
    await link.waitFor({ timeout: 30_000 });
    deploymentId = (await link.getAttribute("href"))!.split("/").pop()!;
    await link.click();
    await page.waitForURL(new RegExp(`/deployments/${deploymentId}$`));
    await page.getByTestId("deployment-timeline").waitFor();
    await screenshot(page, "deployment-detail");
    // Device, project and deployment exist: the dashboard's "Get started" has nothing left to show.
    await goto(page, base, "/");
    await page.getByTestId("dashboard-stats").waitFor();
    expect(await page.getByTestId("get-started").count()).toBe(0);
    // What the device is told, read as the device reads it (retained, through the broker's ACL).
    const desired = await readDesiredState(readDeviceFile(deviceFilePath()), deploymentId, 15_000);
    expect(desired).toMatchObject({ deploymentId, projects: [{ deploymentId, project: { id: projectId, version: 2 }, config: { source: VIDEO } }] });
    expect(desired.projects[0]!.function.sha256).toMatch(/^[a-f0-9]{64}$/);
    expect(Object.keys(desired.projects[0]!.models)).toEqual(["detector"]);
  }, 180_000);

  it("reaches running, with results and the live project stream on the device page", async () => {
    expect(deploymentId, "the deploy step started no deployment").not.toBe("");
    await goto(page, base, `/deployments/${deploymentId}`);
    await waitForAttribute(page, "[data-testid=deployment-state]", "data-state", "running", 180_000);
    await screenshot(page, "deployment-running");
    await goto(page, base, "/devices/front-door");
    await waitForAttribute(page, "[data-testid=current-project]", "data-state", "running", 30_000);
    await waitForAttribute(page, "[data-testid=result-feed]", "data-count", /^[1-9]\d*$/, 60_000);
    await waitForAttribute(page, "[data-testid=stream-project]", "data-frames", /^[1-9]\d*$/, 60_000);
    await screenshot(page, "device-live");
    await goto(page, base, "/");
    await expect.poll(() => page.locator('svg[aria-label="Inference results per minute"] rect').count(), { timeout: 30_000 }).toBeGreaterThan(0);
    await screenshot(page, "dashboard-live");
    ranLive = true;
  }, 360_000);

  it("clips: a clip rule made in the editor; the agent uploads the seconds around an event and the pages play them", async () => {
    expect(ranLive, "the project never ran").toBe(true);
    await checkClip(page, base, "front-door");
  }, 180_000);

  it("groups: a device tagged from the device list joins a dynamic group and the agent runs the group's deployment", async () => {
    expect(ranLive, "the project never ran").toBe(true);
    await checkGroupJoin(page, base, projectId, "front-door");
  }, 240_000);

  it("undeploys the project with its button on the device page: the agent reports it removed", async () => {
    expect(ranLive, "the project never ran").toBe(true);
    await goto(page, base, "/devices/front-door");
    const row = `[data-testid=device-project-${projectId}]`;
    await waitForAttribute(page, row, "data-state", "running", 30_000);
    await page.getByTestId(`device-undeploy-${projectId}`).click();
    await page.getByTestId(`device-undeploy-${projectId}-confirm`).click();
    await waitForAttribute(page, "[data-testid=current-project]", "data-count", "0", 30_000);
    // The newest deployment in the history is the undeploy; the live refresh shows the agent's word.
    const newest = page.locator("[data-testid^=deployment-row-]").first();
    await expect.poll(() => newest.getAttribute("data-state"), { timeout: 60_000 }).toBe("removed");
    await screenshot(page, "device-undeployed");
  }, 120_000);

  it("adds a camera on the device page: the agent decodes it and reports it running; removed with its button", async () => {
    expect(ranLive, "the project never ran").toBe(true);
    await goto(page, base, "/devices/front-door");
    const form = page.getByTestId("device-camera-add");
    await form.getByLabel("Camera name").fill("hall");
    await form.getByLabel("Camera URI").fill(`file://${VIDEO}?loop=1`);
    await form.getByRole("button", { name: "Add camera" }).click();
    await waitForAttribute(page, "[data-testid=device-camera-hall]", "data-state", "running", 60_000);
    await expect.poll(() => page.getByTestId("device-camera-hall-figures").textContent(), { timeout: 30_000 }).toContain("768×576");
    await screenshot(page, "device-camera");
    await page.getByTestId("device-camera-remove-hall").click();
    await page.getByTestId("device-camera-remove-hall-confirm").click();
    await waitForAttribute(page, "[data-testid=device-cameras]", "data-count", "0", 30_000);
    // The rest needs no device; two cores are better spent on the pages.
    await agent?.stop();
    agent = null;
  }, 120_000);

  it("MQTT test client: subscribe and publish over the broker's WebSocket", async () => {
    await checkMqttClient(page, base);
  }, 120_000);

  it("imports an ONNX model by upload; a TF.js model with an unsupported op names the op", async () => {
    await checkModelImport(page, base, stack.workDir, ONNX_FILE);
  }, 240_000);

  it("events (stored by the rule while the agent ran) with filters and CSV export; settings make a token and a viewer", async () => {
    await checkEventsAndSettings(page, base, ranLive);
  }, 120_000);

  it("draws zones on the camera's snapshot in the project page and saves them; a bow tie is refused", async () => {
    expect(projectId, "the project step created no project").not.toBe("");
    await checkZones(page, base, projectId, ranLive);
  }, 120_000);

  it("a viewer reads everything and sees no mutation buttons", async () => {
    expect(projectId, "the project step created no project").not.toBe("");
    await checkViewer(browser, base, projectId);
  }, 180_000);

  it("on a phone the navigation is a drawer and pages fit the width", async () => {
    expect(projectId, "the project step created no project").not.toBe("");
    await checkPhone(browser, base, projectId);
  }, 120_000);

  it("left no errors in the browser console", () => {
    // `next dev` serves its overlay and freshly compiled chunks itself; a miss there while it
    // recompiles is the dev server's, not the pages' (a chunk that never loads fails the page).
    expect(errors.filter((e) => !/__nextjs|\/_next\//i.test(e))).toEqual([]);
  });
});
