/**
 * Issue 13 attacks against the real console (`next dev`, real SQLite) and, for CSRF, a page on
 * another loopback port in headless Chromium carrying the admin's cookie. One console, one browser.
 */
import { createServer, type Server } from "node:http";
import { readFileSync } from "node:fs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { eq } from "drizzle-orm";
import { dataPaths, devices, openDatabase, rules } from "@edgelens/db";
import { getSampleModel } from "@edgelens/vision/models";
import { startConsoleFixture, type ConsoleFixture } from "./support/console-fixture";
import { ApiClient } from "./support/http-client";
import { groupCpuMs } from "./support/process-cpu";
import { launchBrowser, newContext, watchErrors } from "./ui-support/browser";
import { signIn } from "./ui-support/pages";

const USER = { email: "ops@test.local", password: "ops-long-password-1" };

function readDb<T>(f: ConsoleFixture, read: (db: ReturnType<typeof openDatabase>["db"]) => T): T {
  const handle = openDatabase(dataPaths(f.dataDir).dbFile);
  try {
    return read(handle.db);
  } finally {
    handle.close();
  }
}

/** The attacker: a page on another port of the same host that posts to the console. */
async function startAttacker(consoleUrl: string, modelBytes: Buffer): Promise<{ url: string; close(): Promise<void> }> {
  const page = `<!doctype html><title>win a prize</title>
<iframe name="sink"></iframe>
<form id="rotate" method="post" target="sink" enctype="text/plain" action="${consoleUrl}/api/v1/devices/cam-csrf/secret"></form>
<script>
  document.getElementById("rotate").submit();
  fetch("/model.onnx").then((r) => r.blob()).then((b) =>
    fetch("${consoleUrl}/api/v1/models?name=csrf-model", { method: "POST", mode: "no-cors", credentials: "include", body: new Blob([b], { type: "text/plain" }) }),
  ).finally(() => { document.title = "sent"; });
</script>`;
  const server: Server = createServer((req, res) => {
    if (req.url === "/model.onnx") res.writeHead(200, { "content-type": "application/octet-stream" }).end(modelBytes);
    else res.writeHead(200, { "content-type": "text/html" }).end(page);
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", () => resolve()));
  const port = (server.address() as { port: number }).port;
  return { url: `http://127.0.0.1:${port}/`, close: () => new Promise<void>((r) => server.close(() => r())) };
}

describe("security hardening (issue 13)", () => {
  let f: ConsoleFixture;

  beforeAll(async () => {
    f = await startConsoleFixture("security");
    expect((await f.admin.post("/api/v1/devices", { id: "cam-csrf" })).status).toBe(201);
  }, 240_000);
  afterAll(async () => f?.close());

  it("CSRF: a page on another port cannot rotate a device secret or import a model with the admin's cookie", async () => {
    const secretBefore = readDb(f, (db) => db.select().from(devices).where(eq(devices.id, "cam-csrf")).get()?.secretHash);
    const attacker = await startAttacker(f.server.url, readFileSync(getSampleModel("blazeface").path));
    const browser = await launchBrowser();
    try {
      const ctx = await newContext(browser);
      const page = await ctx.newPage();
      const errors = watchErrors(page);
      // Through the real login page: the nonce CSP must leave the app working.
      await signIn(page, f.server.url, "admin@test.local", "admin-password-1");
      expect(errors.filter((e) => /Content Security Policy|Refused to/i.test(e))).toEqual([]);
      const attackDone = Promise.all([
        page.waitForResponse((r) => r.url().includes("/api/v1/devices/cam-csrf/secret"), { timeout: 120_000 }),
        page.waitForResponse((r) => r.url().includes("/api/v1/models?name=csrf-model"), { timeout: 120_000 }),
      ]);
      await page.goto(attacker.url);
      const [rotate, model] = await attackDone;
      expect(rotate.status()).toBe(403);
      expect(model.status()).toBe(403);
    } finally {
      await browser.close();
      await attacker.close();
    }
    expect(readDb(f, (db) => db.select().from(devices).where(eq(devices.id, "cam-csrf")).get()?.secretHash)).toBe(secretBefore);
    const models = await f.admin.get<{ models: { name: string }[] }>("/api/v1/models");
    expect(models.body.models.map((m) => m.name)).not.toContain("csrf-model");
  }, 400_000);

  it("CSRF: refuses a foreign Origin or Sec-Fetch-Site and undeclared body types; CLI-style calls still work", async () => {
    const foreign = await f.admin.post("/api/v1/devices/cam-csrf/secret", undefined, { origin: "http://127.0.0.1:1" });
    expect(foreign.status).toBe(403);
    expect(foreign.body).toMatchObject({ error: { code: "FORBIDDEN", message: expect.stringContaining("cross-origin") } });
    expect((await f.admin.post("/api/v1/devices/cam-csrf/secret", undefined, { "sec-fetch-site": "same-site" })).status).toBe(403);
    const form = await f.admin.request("POST", "/api/v1/uploads", new TextEncoder().encode("a=b"), { "content-type": "application/x-www-form-urlencoded", origin: f.server.url });
    expect(form.status).toBe(400);
    expect((await f.admin.post("/api/v1/uploads", undefined, { origin: f.server.url })).status).toBe(201);
    expect((await f.admin.post("/api/v1/uploads")).status).toBe(201);
  });

  it("webhook SSRF: a rule aimed at the console's own API is refused on save", async () => {
    const res = await f.admin.post("/api/v1/rules", {
      name: "ssrf",
      sql: "SELECT 1 AS x FROM 'edgelens/+/infer'",
      actions: [{ type: "webhook", url: `${f.server.url}/api/v1/users`, headers: { authorization: "Bearer stolen" } }],
    });
    expect(res.status).toBe(400);
    expect(res.body).toMatchObject({ error: { code: "INVALID_PAYLOAD", message: expect.stringContaining("refused by policy") } });
  });

  it("webhook header values are write-only: masked for viewers and admins, kept when saved back masked", async () => {
    expect((await f.admin.post("/api/v1/users", { ...USER, role: "viewer" })).status).toBe(201);
    const viewer = new ApiClient(f.server.url);
    expect((await viewer.post("/api/v1/session", USER)).status).toBe(200);
    const created = await f.admin.post<{ rule: { id: string; actions: { headers: Record<string, string> }[] } }>("/api/v1/rules", {
      name: "hook",
      sql: "SELECT 1 AS x FROM 'edgelens/+/infer'",
      actions: [{ type: "webhook", url: "https://hooks.example.com/edgelens", headers: { authorization: "Bearer s3cret-token" } }],
    });
    expect(created.status).toBe(201);
    for (const client of [viewer, f.admin]) {
      const listed = await client.get("/api/v1/rules");
      expect(listed.status).toBe(200);
      expect(JSON.stringify(listed.body)).not.toContain("s3cret-token");
    }
    const id = created.body.rule.id;
    const patched = await f.admin.patch(`/api/v1/rules/${id}`, { actions: created.body.rule.actions });
    expect(patched.status).toBe(200);
    const stored = readDb(f, (db) => db.select().from(rules).where(eq(rules.id, id)).get()?.actions) as { headers: Record<string, string> }[];
    expect(stored[0]?.headers.authorization).toBe("Bearer s3cret-token");
  });

  it("login: refuses common and short passwords", async () => {
    for (const password of ["12345678", "Password123!", "qwertyuiop", "short-1"]) {
      const res = await f.admin.post("/api/v1/users", { email: `weak-${password.length}@test.local`, password });
      expect(res.status, password).toBe(400);
    }
  });

  it("login: an unknown email costs the server as much work as a known one", async () => {
    // CPU time of the console's processes, not wall time: a loaded CI box stretches the latter at random.
    const pgid = f.server.proc.child.pid!;
    const known = ["a", "b", "c", "d"].map((k) => ({ email: `timing-${k}@test.local`, password: "timing-long-password-1" }));
    for (const u of known) expect((await f.admin.post("/api/v1/users", { ...u, role: "viewer" })).status).toBe(201);
    // Its own address, so these failures do not count against the other tests' one.
    const from = { "x-forwarded-for": "198.51.100.7" };
    const cpu = async (email: string) => {
      const before = groupCpuMs(pgid);
      expect((await f.anonymous.post("/api/v1/session", { email, password: "not-the-password" }, from)).status).toBe(401);
      return groupCpuMs(pgid) - before;
    };
    await cpu("warm-up@test.local");
    let knownMs = 0;
    let unknownMs = 0;
    // One failure per account, so no account's throttle (which answers without scrypt) kicks in.
    for (const [i, u] of known.entries()) {
      knownMs += await cpu(u.email);
      unknownMs += await cpu(`nobody-${i}@test.local`);
    }
    const numbers = `server CPU for 4 failed sign-ins: known ${knownMs} ms, unknown ${unknownMs} ms`;
    console.log(numbers);
    // scrypt (N=2^14, r=8) is tens of ms of CPU: the measure sees it, and an unknown email pays it too.
    expect(knownMs, numbers).toBeGreaterThanOrEqual(40);
    expect(unknownMs, numbers).toBeGreaterThan(knownMs * 0.6);
  });

  it("login: throttles an account after a few failures, refusing even the right password until the wait is over", async () => {
    const c = new ApiClient(f.server.url);
    const statuses: number[] = [];
    for (let i = 0; i < 7; i++) statuses.push((await c.post("/api/v1/session", { email: USER.email, password: `wrong-${i}` })).status);
    expect(statuses.slice(0, 5)).toEqual([401, 401, 401, 401, 401]);
    expect(statuses.slice(5)).toEqual([429, 429]);
    const right = await c.post("/api/v1/session", USER);
    expect(right.status).toBe(429);
    expect(Number(right.headers.get("retry-after"))).toBeGreaterThan(0);
    expect(c.cookie).toBeNull();
  });

  it("login: throttles one address trying many accounts", async () => {
    const statuses: number[] = [];
    for (let i = 0; i < 22; i++) statuses.push((await f.anonymous.post("/api/v1/session", { email: `spray-${i}@test.local`, password: "Summer2026!" }, { "x-forwarded-for": "203.0.113.9" })).status);
    expect(statuses.slice(0, 20).every((s) => s === 401)).toBe(true);
    expect(statuses.slice(20)).toEqual([429, 429]);
  });

  it("headers: pages get a nonce CSP without unsafe-inline scripts and refuse framing; API answers are nosniff", async () => {
    const page = await fetch(`${f.server.url}/login`);
    const csp = page.headers.get("content-security-policy") ?? "";
    expect(csp).toMatch(/script-src [^;]*'nonce-[A-Za-z0-9+/=]+'/);
    expect(csp).not.toMatch(/script-src [^;]*'unsafe-inline'/);
    expect(csp).toContain("frame-ancestors 'none'");
    expect(page.headers.get("x-frame-options")).toBe("DENY");
    const api = await f.anonymous.get("/api/v1/devices");
    expect(api.headers.get("x-content-type-options")).toBe("nosniff");
    expect(api.headers.get("content-security-policy")).toContain("default-src 'none'");
  });

  it("errors: a rejected upload does not reveal where the server keeps its files", async () => {
    const res = await f.admin.post("/api/v1/models?name=junk", new Uint8Array(Buffer.from("not onnx at all".repeat(50))), { "content-type": "application/octet-stream" });
    expect(res.status).toBe(422);
    expect(JSON.stringify(res.body)).not.toContain(f.dataDir);
    expect(JSON.stringify(res.body)).not.toMatch(/\/tmp\/|\/home\/|\/work\//);
  });
});
