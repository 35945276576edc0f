/** Steps the UI tests repeat: signing in and waiting for the page a step leads to. */
import { expect } from "vitest";
import type { Page } from "playwright-core";

export async function signIn(page: Page, base: string, email: string, password: string, path = "/"): Promise<void> {
  await page.goto(`${base}${path}`);
  await page.waitForURL(/\/login/);
  await page.fill("#email", email);
  await page.fill("#password", password);
  await page.getByRole("button", { name: "Sign in" }).click();
  await page.waitForURL((u) => !u.pathname.startsWith("/login"));
}

/** Waits until `selector`'s attribute has the value; returns the last value seen (for the message). */
export async function waitForAttribute(page: Page, selector: string, attribute: string, value: string | RegExp, timeoutMs: number): Promise<void> {
  const locator = page.locator(selector);
  await expect
    .poll(async () => (await locator.getAttribute(attribute)) ?? "(missing)", { timeout: timeoutMs, interval: 250 })
    .toMatch(typeof value === "string" ? new RegExp(`^${value}$`) : value);
}

export async function goto(page: Page, base: string, path: string): Promise<void> {
  await page.goto(`${base}${path}`);
  await page.waitForLoadState("networkidle", { timeout: 20_000 }).catch(() => {
    // Live pages keep a WebSocket and polls open; "load" is enough for them.
  });
}

/**
 * After a form submit that should navigate: resolves when the URL matches, and fails at once
 * with the form's own error message when the page shows one instead (no long timeout).
 */
export async function waitForUrlOrFormError(page: Page, url: RegExp, timeoutMs: number): Promise<void> {
  const navigated = page.waitForURL((u) => url.test(u.pathname), { timeout: timeoutMs }).then(
    () => null,
    () => new Error(`no navigation to ${url} within ${timeoutMs} ms (at ${page.url()})`),
  );
  const alert = page.locator("main [role=alert]").first();
  const failed = alert.waitFor({ state: "visible", timeout: timeoutMs }).then(
    async () => new Error(`the form failed instead of navigating: ${(await page.locator("main [role=alert]").allTextContents()).join(" | ")}`),
    () => null,
  );
  // Whichever comes first decides; the loser settles on its own timeout, never rejecting.
  const first = await Promise.race([navigated, failed.then((err) => err ?? navigated)]);
  if (first) throw first;
}
