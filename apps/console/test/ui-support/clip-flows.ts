/**
 * Clips around events in the browser (issue 16.5): a rule with the `clip` action made in the rule
 * editor while the real agent runs; the agent records the seconds around a matching result and
 * uploads the MP4; the events page and the device page play it in Chromium (its duration read
 * from the video element). The rule is switched off afterwards: it would clip on and on.
 */
import { expect } from "vitest";
import type { Page } from "playwright-core";
import { screenshot } from "./browser";
import { goto } from "./pages";

const PRE = 2;
const POST = 2;

/** The duration Chromium reads from the first playable clip video on the page (seconds). */
async function playableDuration(page: Page): Promise<number> {
  const video = page.locator("[data-testid=clip-video]").first();
  await video.waitFor({ timeout: 10_000 });
  return video.evaluate(
    (v) =>
      new Promise<number>((resolve, reject) => {
        const el = v as HTMLVideoElement;
        if (el.readyState >= 1) return resolve(el.duration);
        el.addEventListener("loadedmetadata", () => resolve(el.duration), { once: true });
        el.addEventListener("error", () => reject(new Error(`the clip does not play: ${el.error?.message ?? el.error?.code ?? "?"}`)), { once: true });
        el.load();
      }),
  );
}

export async function checkClip(page: Page, base: string, deviceId: string): Promise<void> {
  await goto(page, base, "/rules/new");
  await page.fill("#rule-name", "door-clip");
  await page.getByLabel("Action type").first().selectOption("clip");
  await page.getByLabel("Seconds before").first().fill(String(PRE));
  await page.getByLabel("Seconds after").first().fill(String(POST));
  await page.getByTestId("rule-save").click();
  await page.waitForURL(/\/rules\/(?!new)[^/]+$/, { timeout: 60_000 });
  const ruleId = new URL(page.url()).pathname.split("/").pop()!;

  // The page is server-rendered: reload it until a clip has arrived (recorded, assembled, uploaded).
  await expect
    .poll(
      async () => {
        await goto(page, base, "/events");
        return page.locator("[data-testid=clip-video]").count();
      },
      { timeout: 90_000, interval: 2000 },
    )
    .toBeGreaterThan(0);
  expect(Math.abs((await playableDuration(page)) - (PRE + POST))).toBeLessThanOrEqual(1.1);
  await screenshot(page, "events-clip");

  await goto(page, base, `/devices/${deviceId}`);
  expect(Math.abs((await playableDuration(page)) - (PRE + POST))).toBeLessThanOrEqual(1.1);

  await goto(page, base, "/rules");
  const toggle = page.getByTestId(`rule-row-${ruleId}`).getByRole("switch");
  await toggle.click();
  await expect.poll(() => toggle.getAttribute("aria-checked")).toBe("false");
}
