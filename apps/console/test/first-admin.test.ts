/**
 * The first admin (UI-NEEDS 1): created at start only when EDGELENS_ADMIN_PASSWORD is set; else
 * `/login` offers a "Create the admin" form, guarded by "no user exists yet" in one transaction.
 * Service checks on real SQLite files, then the real console (`next start`) in Debian's Chromium.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Browser, BrowserContext, Page } from "playwright-core";
import { closeContext, createContext } from "../src/server/build-context";
import { createFirstAdmin, ensureFirstAdmin, needsFirstAdmin } from "../src/server/services/first-admin";
import { authenticateUser, listUsers } from "../src/server/services/users";
import { startConsoleServer, type ConsoleServer } from "./support/console-server";
import { ApiClient } from "./support/http-client";
import { TEST_SECRET, tempContext, type TempContext } from "./support/temp-context";
import { launchBrowser, newContext, screenshot } from "./ui-support/browser";
import { waitForUrlOrFormError } from "./ui-support/pages";

describe("first admin: the guarded service", () => {
  let t: TempContext;
  beforeAll(() => {
    t = tempContext({ EDGELENS_ADMIN_EMAIL: "admin@example.com" });
  });
  afterAll(async () => t.cleanup());

  it("without EDGELENS_ADMIN_PASSWORD the start creates nobody and asks for the form", async () => {
    expect(await ensureFirstAdmin(t.ctx)).toEqual({ kind: "form" });
    expect(needsFirstAdmin(t.ctx)).toBe(true);
    expect(listUsers(t.ctx)).toEqual([]);
  });

  it("validates the form: email, at least 10 characters, the same password twice", async () => {
    await expect(createFirstAdmin(t.ctx, { email: "owner@example.com", password: "short", confirm: "short" })).rejects.toThrow(/at least 10/);
    await expect(createFirstAdmin(t.ctx, { email: "owner@example.com", password: "long enough 1", confirm: "long enough 2" })).rejects.toThrow(/differ/);
    await expect(createFirstAdmin(t.ctx, { email: "not an email", password: "long enough 1", confirm: "long enough 1" })).rejects.toThrow(/email/i);
    expect(needsFirstAdmin(t.ctx)).toBe(true);
  });

  it("of two racing submits, from two connections to one database, exactly one creates the admin", async () => {
    const other = createContext(t.ctx.config, { mqttConnectTimeoutMs: 1500 });
    try {
      const results = await Promise.allSettled([
        createFirstAdmin(t.ctx, { email: "Owner@Example.com", password: "owner password", confirm: "owner password", name: "Owner" }),
        createFirstAdmin(other, { email: "intruder@example.com", password: "intruder password", confirm: "intruder password" }),
      ]);
      expect(results.map((r) => r.status).sort()).toEqual(["fulfilled", "rejected"]);
      const refused = results.find((r) => r.status === "rejected") as PromiseRejectedResult;
      expect(refused.reason).toMatchObject({ code: "CONFLICT" });
    } finally {
      await closeContext(other);
    }
    const all = listUsers(t.ctx);
    expect(all).toHaveLength(1);
    expect(all[0]).toMatchObject({ role: "admin" });
    await expect(createFirstAdmin(t.ctx, { email: "late@example.com", password: "late password", confirm: "late password" })).rejects.toMatchObject({ code: "CONFLICT" });
    expect(await ensureFirstAdmin(t.ctx)).toEqual({ kind: "exists" });
    expect(listUsers(t.ctx)).toHaveLength(1);
  });

  it("with EDGELENS_ADMIN_PASSWORD the start creates the admin once", async () => {
    const headless = tempContext({ EDGELENS_ADMIN_EMAIL: "ci@example.com", EDGELENS_ADMIN_PASSWORD: "ci-password-1" });
    try {
      expect(await ensureFirstAdmin(headless.ctx)).toEqual({ kind: "created", email: "ci@example.com" });
      expect(await ensureFirstAdmin(headless.ctx)).toEqual({ kind: "exists" });
      expect(await authenticateUser(headless.ctx, "ci@example.com", "ci-password-1")).toMatchObject({ role: "admin" });
      await expect(createFirstAdmin(headless.ctx, { email: "x@example.com", password: "x password", confirm: "x password" })).rejects.toMatchObject({ code: "CONFLICT" });
    } finally {
      await headless.cleanup();
    }
  });
});

describe("first admin: /login on a console started without EDGELENS_ADMIN_PASSWORD", () => {
  const OWNER = { email: "owner@test.local", password: "owner-password-1" };
  let dataDir: string;
  let server: ConsoleServer;
  let browser: Browser;
  const contexts: BrowserContext[] = [];

  async function openLogin(): Promise<Page> {
    const context = await newContext(browser);
    contexts.push(context);
    const page = await context.newPage();
    await page.goto(`${server.url}/login`);
    return page;
  }

  beforeAll(async () => {
    dataDir = mkdtempSync(join(tmpdir(), "edgelens-first-admin-"));
    // An empty value is "not set" for the console: the test support always passes the variable.
    server = await startConsoleServer({ dataDir, secret: TEST_SECRET, adminEmail: "admin@test.local", adminPassword: "", name: "first-admin" });
    browser = await launchBrowser();
  }, 180_000);
  afterAll(async () => {
    await Promise.allSettled(contexts.map((c) => c.close()));
    await browser?.close();
    await server?.stop();
    rmSync(dataDir, { recursive: true, force: true });
  }, 60_000);

  it("says in its start log that /login creates the admin", () => {
    expect(server.proc.output()).toContain(`open ${server.url}/login to create the admin`);
    expect(server.proc.output()).not.toContain("created the first admin");
  });

  it("shows the form, refuses a mistyped repeat, creates the admin and signs them in; a stale second form cannot add another", async () => {
    const page = await openLogin();
    await expect.poll(() => page.getByTestId("first-admin-form").isVisible(), { timeout: 60_000 }).toBe(true);
    expect(await page.locator("h1").textContent()).toBe("Create the admin");
    await screenshot(page, "first-admin-form");
    // A second visitor who opened the form before the first one submitted.
    const stale = await openLogin();
    await expect.poll(() => stale.getByTestId("first-admin-form").isVisible(), { timeout: 60_000 }).toBe(true);

    await page.fill("#email", OWNER.email);
    await page.fill("#password", OWNER.password);
    await page.fill("#confirm", "something-else-1");
    await page.getByRole("button", { name: "Create the admin" }).click();
    await expect.poll(() => page.locator("[role=alert]").allTextContents(), { timeout: 60_000 }).toContainEqual(expect.stringMatching(/differ/));

    // A fresh form: the error above would otherwise read as this submit's failure.
    await page.goto(`${server.url}/login`);
    await page.fill("#email", OWNER.email);
    await page.fill("#password", OWNER.password);
    await page.fill("#confirm", OWNER.password);
    await page.getByRole("button", { name: "Create the admin" }).click();
    await waitForUrlOrFormError(page, /^\/$/, 180_000);
    await expect.poll(() => page.locator("[data-testid=current-user]").first().textContent(), { timeout: 60_000 }).toContain(OWNER.email);

    await stale.fill("#email", "intruder@test.local");
    await stale.fill("#password", "intruder-password");
    await stale.fill("#confirm", "intruder-password");
    await stale.getByRole("button", { name: "Create the admin" }).click();
    await expect.poll(() => stale.locator("[role=alert]").allTextContents(), { timeout: 60_000 }).toContainEqual(expect.stringMatching(/already exists/));
  }, 300_000);

  it("once a user exists the form is gone: /login signs in, with the new admin's password", async () => {
    const page = await openLogin();
    await expect.poll(() => page.getByTestId("sign-in-form").isVisible(), { timeout: 60_000 }).toBe(true);
    expect(await page.getByTestId("first-admin-form").count()).toBe(0);
    const api = new ApiClient(server.url);
    expect((await api.post("/api/v1/session", { email: "intruder@test.local", password: "intruder-password" })).status).toBe(401);
    const session = await api.post<{ user: { email: string; role: string } }>("/api/v1/session", OWNER);
    expect(session.status).toBe(200);
    expect(session.body.user).toMatchObject({ email: OWNER.email, role: "admin" });
  }, 120_000);
});
