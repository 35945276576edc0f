/**
 * Device groups in the browser (issue 17): a dynamic group made on the Groups page, a group
 * deployment from the project's deploy dialog while no device is in it, then the running device
 * tagged from the device list's multi-select: it joins, the real agent gets the group's deployment
 * by itself and runs it, and the device page says why.
 */
import { expect } from "vitest";
import type { Page } from "playwright-core";
import { screenshot } from "./browser";
import { goto, waitForAttribute } from "./pages";

export async function checkGroupJoin(page: Page, base: string, projectId: string, deviceId: string): Promise<void> {
  await goto(page, base, "/groups");
  await page.fill("#group-name", "broken");
  await page.fill("#group-query", "site =");
  await page.getByTestId("group-create").click();
  await expect.poll(() => page.getByTestId("group-create-form").textContent(), { timeout: 30_000 }).toContain("query does not parse at column 7");
  await page.fill("#group-name", "lobby");
  await page.fill("#group-query", "site = 'lobby'");
  await page.getByTestId("group-create").click();
  await page.getByTestId("group-row-lobby").waitFor({ timeout: 30_000 });
  expect(await page.getByTestId("group-row-broken").count()).toBe(0);
  await screenshot(page, "groups");

  await goto(page, base, `/projects/${projectId}`);
  await page.getByTestId("project-deploy").click();
  await page.getByTestId("deploy-group").selectOption("lobby");
  await page.getByTestId("deploy-confirm").click();
  await expect.poll(() => page.getByTestId("deploy-dialog").textContent(), { timeout: 30_000 }).toContain("0 deployments queued");

  await goto(page, base, "/devices");
  await page.getByTestId(`device-select-${deviceId}`).check();
  await page.getByTestId("tag-set").fill("site=lobby");
  await page.getByTestId("tag-submit").click();
  await expect.poll(() => page.getByTestId("tag-result").textContent(), { timeout: 30_000 }).toContain("1 joined a group and got its deployment");

  await goto(page, base, "/groups/lobby");
  await waitForAttribute(page, "[data-testid=group-members]", "data-count", "1", 10_000);
  await page.getByTestId(`device-row-${deviceId}`).waitFor();
  await screenshot(page, "group");

  await goto(page, base, `/devices/${deviceId}`);
  expect(await page.getByTestId("device-assignment").textContent()).toMatch(/runs lobby-counter v2 from group lobby \(priority 0\)/);
  const newest = page.locator("[data-testid^=deployment-row-]").first();
  await expect.poll(() => newest.getAttribute("data-state"), { timeout: 120_000 }).toBe("running");
  await screenshot(page, "device-in-group");
}
