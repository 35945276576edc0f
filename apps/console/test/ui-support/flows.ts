/**
 * The page-by-page checks of the UI test beyond the deploy flow: rules, the MQTT test client,
 * model import, events, settings, the viewer role and the phone layout. Each takes a signed-in
 * admin page and fails with an expect().
 */
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { expect } from "vitest";
import type { Browser, Page } from "playwright-core";
import { newContext, PHONE, screenshot } from "./browser";
import { goto, signIn, waitForAttribute } from "./pages";
import { ADMIN } from "./stack";

export const VIEWER = { email: "viewer@e2e.local", password: "viewer-e2e-password" };

/**
 * Rule editor: the test box runs the SQL as typed; a parse error is shown; the rule is saved,
 * listed, switched off and on again (it stays on: with an agent running it stores events).
 */
export async function checkRules(page: Page, base: string): Promise<void> {
  await goto(page, base, "/rules");
  await expect.poll(() => page.getByTestId("empty-state").isVisible()).toBe(true);
  await goto(page, base, "/rules/new");
  await page.fill("#rule-name", "crowd-at-door");
  await waitForAttribute(page, "[data-testid=rule-test-result]", "data-matched", "true", 10_000);
  const sql = await page.inputValue("#rule-sql");
  await page.fill("#rule-sql", "SELECT FROM");
  await waitForAttribute(page, "[data-testid=rule-test-result]", "data-matched", "error", 10_000);
  expect(await page.getByTestId("rule-test-result").textContent()).toContain("SQL error");
  await page.fill("#rule-sql", sql.replace("counts.person > 1", "counts.person > 5"));
  await waitForAttribute(page, "[data-testid=rule-test-result]", "data-matched", "false", 10_000);
  await page.fill("#rule-sql", sql);
  // Events then carry a picture of the camera: the zone editor draws on the latest one.
  await page.getByLabel("Ask the device for a snapshot to store with the event").check();
  await screenshot(page, "rule-new");
  await page.getByTestId("rule-save").click();
  await page.waitForURL(/\/rules\/(?!new)[^/]+$/, { timeout: 60_000 });
  const ruleId = new URL(page.url()).pathname.split("/").pop()!;
  await goto(page, base, "/rules");
  expect(await page.getByTestId(`rule-row-${ruleId}`).textContent()).toContain("crowd-at-door");
  const toggle = page.getByTestId(`rule-row-${ruleId}`).getByRole("switch");
  await toggle.click();
  await expect.poll(() => toggle.getAttribute("aria-checked")).toBe("false");
  await goto(page, base, "/rules");
  expect(await toggle.getAttribute("aria-checked")).toBe("false");
  await toggle.click();
  await expect.poll(() => toggle.getAttribute("aria-checked")).toBe("true");
}

/** MQTT test client: subscribe, publish as admin, see the message arrive over the broker's WebSocket. */
export async function checkMqttClient(page: Page, base: string): Promise<void> {
  await goto(page, base, "/mqtt");
  await waitForAttribute(page, "[data-testid=mqtt-state]", "data-state", "connected", 30_000);
  await page.fill("[data-testid=subscribe-filter]", "edgelens/e2e/#");
  await page.getByTestId("subscribe-submit").click();
  await page.fill("#pub-topic", "edgelens/e2e/hello");
  await page.fill("#pub-payload", '{"from":"the e2e test"}');
  // The SUBACK may still be on its way: publish until the message comes back.
  await expect
    .poll(
      async () => {
        await page.getByTestId("publish-submit").click();
        return page.getByTestId("message-topic").allTextContents();
      },
      { timeout: 20_000, interval: 1000 },
    )
    .toContain("edgelens/e2e/hello");
  expect(await page.getByTestId("mqtt-messages").textContent()).toContain('"from": "the e2e test"');
  await page.fill("[data-testid=subscribe-filter]", "bad/#/filter");
  await page.getByTestId("subscribe-submit").click();
  await expect.poll(() => page.getByRole("alert").first().textContent()).toContain("'#' must be");
  await screenshot(page, "mqtt");
}

/**
 * Model import: a real ONNX upload (XHR with progress) lands on the model page with its
 * inputs and sha256; a TF.js model with an op the converter lacks is refused naming the op.
 */
export async function checkModelImport(page: Page, base: string, workDir: string, onnxFile: string): Promise<void> {
  await goto(page, base, "/models/import");
  await page.fill("#model-name", "text-detector");
  await page.setInputFiles("#model-files", onnxFile);
  await page.getByRole("button", { name: "Import model" }).click();
  await page.waitForURL(/\/models\/(?!import)[^/?]+$/, { timeout: 120_000 });
  await expect.poll(() => page.getByTestId("model-sha256").textContent(), { timeout: 30_000 }).toMatch(/^[a-f0-9]{64}$/);
  await screenshot(page, "model");

  const dir = join(workDir, "bad-tfjs");
  writeTfjsWithUnknownOp(dir);
  await goto(page, base, "/models/import");
  await page.getByText("TF.js graph model", { exact: true }).click();
  await page.fill("#model-name", "odd-model");
  await page.setInputFiles("#model-files", [join(dir, "model.json"), join(dir, "group1-shard1of1.bin")]);
  await page.getByRole("button", { name: "Import model" }).click();
  await expect.poll(() => page.getByTestId("import-error").textContent(), { timeout: 60_000 }).toContain("Erfinv");
  await screenshot(page, "model-import-unsupported-op");
  await goto(page, base, "/models");
  await screenshot(page, "models");
}

/** A two-node TF.js graph whose second op (Erfinv) no converter mapping covers. */
function writeTfjsWithUnknownOp(dir: string): void {
  mkdirSync(dir, { recursive: true });
  const model = {
    format: "graph-model",
    generatedBy: "e2e",
    convertedBy: "e2e",
    modelTopology: {
      node: [
        { name: "x", op: "Placeholder", attr: { dtype: { type: "DT_FLOAT" }, shape: { shape: { dim: [{ size: "1" }, { size: "4" }] } } } },
        { name: "y", op: "Erfinv", input: ["x"], attr: { T: { type: "DT_FLOAT" } } },
      ],
      library: {},
      versions: { producer: 1 },
    },
    weightsManifest: [{ paths: ["group1-shard1of1.bin"], weights: [{ name: "unused", shape: [1], dtype: "float32" }] }],
  };
  writeFileSync(join(dir, "model.json"), JSON.stringify(model));
  writeFileSync(join(dir, "group1-shard1of1.bin"), Buffer.alloc(4));
}

/**
 * Events (filters, CSV link; with an agent, the rows the rule stored and its execution count)
 * and settings (a token shown once, a viewer created).
 */
export async function checkEventsAndSettings(page: Page, base: string, expectEvents: boolean): Promise<void> {
  await goto(page, base, "/events?label=unicorn");
  expect(await page.getByTestId("empty-state").textContent()).toContain("No events match");
  expect(await page.getByTestId("export-csv").getAttribute("href")).toContain("label=unicorn");
  await goto(page, base, "/events");
  expect(await page.getByTestId("export-csv").getAttribute("href")).toContain("format=csv");
  if (expectEvents) expect(await page.getByTestId("event-row").count()).toBeGreaterThan(0);
  await screenshot(page, "events");
  await goto(page, base, "/rules");
  const executions = Number(await page.getByTestId("rule-executions").first().textContent());
  expect(expectEvents ? executions > 0 : executions === 0).toBe(true);
  await screenshot(page, "rules");

  await goto(page, base, "/settings");
  await page.fill("[data-testid=token-form] input[name=name]", "ci");
  await page.getByRole("button", { name: "Create token" }).click();
  await expect.poll(() => page.getByTestId("token-secret").textContent(), { timeout: 20_000 }).toMatch(/^elt_/);
  const form = page.getByTestId("user-form");
  await form.locator("input[name=email]").fill(VIEWER.email);
  await form.locator("input[name=password]").fill(VIEWER.password);
  await form.locator("select[name=role]").selectOption("viewer");
  await form.getByRole("button", { name: "Add user" }).click();
  await expect.poll(() => page.getByText(`${VIEWER.email} can sign in now.`).isVisible(), { timeout: 20_000 }).toBe(true);
  await screenshot(page, "settings");
}

/** A viewer reads everything and gets no button that changes anything. */
export async function checkViewer(browser: Browser, base: string, projectId: string): Promise<void> {
  const ctx = await newContext(browser);
  try {
    const page = await ctx.newPage();
    await signIn(page, base, VIEWER.email, VIEWER.password, "/devices");
    expect(new URL(page.url()).pathname).toBe("/devices");
    expect(await page.getByRole("link", { name: "Register device" }).count()).toBe(0);
    await goto(page, base, `/projects/${projectId}`);
    await page.locator("[data-testid=function-editor] .cm-content").waitFor({ timeout: 60_000 });
    expect(await page.getByTestId("project-deploy").count()).toBe(0);
    expect(await page.getByTestId("project-save").count()).toBe(0);
    await goto(page, base, "/devices/front-door");
    expect(await page.getByTestId("device-deploy").count()).toBe(0);
    expect(await page.getByTestId("device-deregister").count()).toBe(0);
    await screenshot(page, "viewer-device");
    await page.getByRole("button", { name: "Sign out" }).first().click();
    await page.waitForURL(/\/login/);
  } finally {
    await ctx.close();
  }
}

/** On a phone the sidebar becomes a top bar with a drawer. */
export async function checkPhone(browser: Browser, base: string, projectId: string): Promise<void> {
  const ctx = await newContext(browser, PHONE);
  try {
    const page = await ctx.newPage();
    await signIn(page, base, ADMIN.email, ADMIN.password);
    await page.getByTestId("dashboard-stats").waitFor({ timeout: 60_000 });
    await screenshot(page, "phone-dashboard");
    await page.getByTestId("open-menu").click();
    const drawer = page.getByRole("dialog", { name: "Menu" });
    await drawer.waitFor();
    await screenshot(page, "phone-menu");
    await drawer.getByRole("link", { name: "Devices" }).click();
    await page.waitForURL(/\/devices$/);
    expect(await drawer.count()).toBe(0);
    await screenshot(page, "phone-devices");
    await page.getByRole("link", { name: "Front door" }).click();
    await page.waitForURL(/\/devices\/front-door$/);
    await page.getByTestId("telemetry").waitFor();
    await screenshot(page, "phone-device");
    expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(PHONE.width);
    await goto(page, base, `/projects/${projectId}`);
    await page.locator("[data-testid=function-editor] .cm-content").waitFor();
    expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(PHONE.width);
    await screenshot(page, "phone-project");
  } finally {
    await ctx.close();
  }
}

/**
 * Zone editor on the project page: the device's latest snapshot (stored by the rule while the
 * agent ran) under an SVG overlay; clicks add points, a drag moves one, the name is typed, saving
 * writes `config.zones`; a self-intersecting polygon is shown and refused by the server, naming it.
 */
export async function checkZones(page: Page, base: string, projectId: string, expectSnapshot: boolean): Promise<void> {
  await goto(page, base, `/projects/${projectId}`);
  // The code editor renders in the browser only: once it shows, the page is hydrated and takes clicks.
  await page.locator("[data-testid=function-editor] .cm-content").waitFor({ timeout: 60_000 });
  const area = page.getByTestId("zone-area");
  await area.scrollIntoViewIfNeeded();
  if (expectSnapshot) await expect.poll(() => page.getByTestId("zone-snapshot").evaluate((img) => (img as HTMLImageElement).naturalWidth), { timeout: 30_000 }).toBeGreaterThan(0);
  // Page coordinates of a frame point, taken afresh: a screenshot scrolls the page to the top.
  const to = async (x: number, y: number): Promise<[number, number]> => {
    await area.scrollIntoViewIfNeeded();
    const box = (await area.boundingBox())!;
    return [box.x + x * box.width, box.y + y * box.height];
  };
  for (const [x, y] of [[0.1, 0.5], [0.5, 0.5], [0.5, 0.95], [0.3, 0.95]] as const) await page.mouse.click(...(await to(x, y)));
  const handles = page.getByTestId("zone-handle");
  await expect.poll(() => handles.count()).toBe(4);
  await page.getByTestId("zone-name").fill("door");
  const drag = async (index: number, x: number, y: number) => {
    const target = await to(x, y);
    const h = (await handles.nth(index).boundingBox())!;
    await page.mouse.move(h.x + h.width / 2, h.y + h.height / 2);
    await page.mouse.down();
    await page.mouse.move(...target, { steps: 5 });
    await page.mouse.up();
  };
  await drag(3, 0.1, 0.95);
  expect(await page.getByTestId("zone-problem").count()).toBe(0);
  await screenshot(page, "project-zones");
  await page.getByTestId("project-save").click();
  await expect.poll(() => page.getByTestId("save-result").textContent(), { timeout: 60_000 }).toMatch(/Saved as version \d+/);
  const saved = (await (await page.request.get(`${base}/api/v1/projects/${projectId}`)).json()) as { project: { latest: { config: { zones: { name: string; points: number[][] }[] } } } };
  const [door] = saved.project.latest.config.zones;
  expect(door?.name).toBe("door");
  const expected = [[0.1, 0.5], [0.5, 0.5], [0.5, 0.95], [0.1, 0.95]];
  door?.points.forEach((p, i) => p.forEach((v, k) => expect(Math.abs(v - (expected[i]?.[k] ?? -1))).toBeLessThan(0.01)));

  // The saved zone comes back with the page.
  await goto(page, base, `/projects/${projectId}`);
  await page.locator("[data-testid=function-editor] .cm-content").waitFor({ timeout: 60_000 });
  await expect.poll(() => page.locator('[data-testid=zone-handle][data-zone="door"]').count()).toBe(4);
  // Point 4 dragged across edge 2: a bow tie. The editor says so; saving anyway is refused.
  await drag(3, 0.6, 0.8);
  await expect.poll(() => page.getByTestId("zone-problem").textContent()).toContain('zone "door": edges 2 and 4 cross');
  await page.getByTestId("project-save").click();
  await expect.poll(() => page.getByTestId("save-result").textContent(), { timeout: 60_000 }).toContain('zone "door": edges 2 and 4 cross');
  await screenshot(page, "project-zones-invalid");
}
