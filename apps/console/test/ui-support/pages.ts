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
