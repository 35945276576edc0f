import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { deployments, devices } from "@edgelens/db";
import { DeviceFileSchema } from "@edgelens/shared";
import {
  deregisterDevice,
  getDevice,
  listDevices,
  queryDevices,
  registerDevice,
  renameDevice,
  requestStream,
  rotateDeviceSecret,
  verifyDeviceCredentials,
} from "../src/server/services/devices";
import { deployProject, getDeployment } from "../src/server/services/deployments";
import { createProject } from "../src/server/services/projects";
import { DEVICE_CHOICES_MAX, deviceChoices } from "../src/server/services/device-choices";
import { tempContext, type TempContext } from "./support/temp-context";

describe("devices (no broker reachable)", () => {
  let t: TempContext;
  beforeAll(() => {
    t = tempContext({ EDGELENS_CONSOLE_URL: "http://console.local:3000" });
  });
  afterAll(async () => t.cleanup());

  it("registers a device and shows its secret only in the device file", async () => {
    const { device, deviceFile } = await registerDevice(t.ctx, { id: "cam-01", name: "Front door" });
    expect(DeviceFileSchema.parse(deviceFile)).toEqual({ deviceId: "cam-01", secret: deviceFile.secret, brokerUrl: "mqtt://127.0.0.1:9", consoleUrl: "http://console.local:3000" });
    expect(device).toMatchObject({ id: "cam-01", name: "Front door", registration: "awaiting-credentials", presence: "offline", deployment: null, latestDeployment: null, fps: null });
    expect(JSON.stringify(listDevices(t.ctx))).not.toContain(deviceFile.secret);
    expect(await verifyDeviceCredentials(t.ctx, "cam-01", deviceFile.secret)).toBe(true);
    expect(await verifyDeviceCredentials(t.ctx, "cam-01", "not-the-secret-at-all")).toBe(false);
  });

  it("refuses bad ids and duplicates, naming the problem", async () => {
    await expect(registerDevice(t.ctx, { id: "Cam_01" })).rejects.toThrow(/device id must be/);
    await expect(registerDevice(t.ctx, { id: "cam-01" })).rejects.toMatchObject({ code: "CONFLICT", context: { deviceId: "cam-01" } });
  });

  it("rotates the secret: the old one stops working at once, even when cached", async () => {
    const again = await registerDevice(t.ctx, { id: "cam-02" });
    expect(await verifyDeviceCredentials(t.ctx, "cam-02", again.deviceFile.secret)).toBe(true);
    const rotated = await rotateDeviceSecret(t.ctx, "cam-02");
    expect(await verifyDeviceCredentials(t.ctx, "cam-02", again.deviceFile.secret)).toBe(false);
    expect(await verifyDeviceCredentials(t.ctx, "cam-02", rotated.deviceFile.secret)).toBe(true);
    expect(renameDevice(t.ctx, "cam-02", "  Yard ").name).toBe("Yard");
  });

  it("reports an unreachable broker by name instead of hanging", async () => {
    await expect(requestStream(t.ctx, "cam-01", { stream: "project", seconds: 10 })).rejects.toThrow(/mqtt:\/\/127.0.0.1:9.*EDGELENS_BROKER_URL/);
  });

  it("fails deployments visibly, with the reason, when the broker cannot be reached", async () => {
    await createProject(t.ctx, { name: "blank" });
    await registerDevice(t.ctx, { id: "cam-03" });
    const deps = await deployProject(t.ctx, { projectId: "blank", deviceIds: ["cam-02", "cam-03"] });
    expect(deps.map((d) => d.state)).toEqual(["failed", "failed"]);
    expect(deps[1]?.reason).toMatch(/desired state not published: cannot reach the MQTT broker at mqtt:\/\/127.0.0.1:9/);
    expect(getDeployment(t.ctx, deps[0]!.id).events.map((e) => e.state)).toEqual(["queued", "failed"]);
    expect(getDevice(t.ctx, "cam-03")).toMatchObject({ deployment: null, latestDeployment: { state: "failed", projectId: "blank" } });
  });

  it("deregisters even without the broker, and says what was not cleared", async () => {
    const result = await deregisterDevice(t.ctx, "cam-01");
    expect(result.brokerCleared).toBe(false);
    expect(result.warning).toMatch(/cam-01 removed/);
    expect(() => getDevice(t.ctx, "cam-01")).toThrow(/no device cam-01/);
    expect(await verifyDeviceCredentials(t.ctx, "cam-01", "anything-at-all-123")).toBe(false);
  });
});

/** Rows each SQL statement hands to JS while `run` runs (the real statements on the real file, counted). */
function rowsRead<T>(t: TempContext, run: () => T): { result: T; reads: Array<{ sql: string; rows: number }> } {
  const sqlite = t.ctx.handle.sqlite;
  const original = sqlite.prepare;
  const reads: Array<{ sql: string; rows: number }> = [];
  sqlite.prepare = ((source: string) => {
    const stmt = original.call(sqlite, source);
    const all = stmt.all.bind(stmt) as (...params: unknown[]) => unknown[];
    const get = stmt.get.bind(stmt) as (...params: unknown[]) => unknown;
    stmt.all = (...params: unknown[]) => {
      const rows = all(...params);
      reads.push({ sql: source, rows: rows.length });
      return rows;
    };
    stmt.get = (...params: unknown[]) => {
      const row = get(...params);
      reads.push({ sql: source, rows: row === undefined ? 0 : 1 });
      return row;
    };
    return stmt;
  }) as typeof original;
  try {
    return { result: run(), reads };
  } finally {
    sqlite.prepare = original;
  }
}

describe("device pages over a fleet of 1000", () => {
  let t: TempContext;
  const id = (i: number) => `fleet-${String(i).padStart(4, "0")}`;
  beforeAll(() => {
    t = tempContext();
    // Straight inserts: registerDevice's scrypt would take a minute for 1000 devices.
    t.ctx.handle.sqlite.transaction(() => {
      for (let i = 0; i < 1000; i++) {
        const name = i % 10 === 0 ? `Loading Dock ${i}` : i === 7 ? "50%_off_sign" : `Camera ${i}`;
        t.ctx.db.insert(devices).values({ id: id(i), name, secretHash: "unused", presence: i % 3 === 0 ? "online" : "offline" }).run();
        // Two deployments each: the newer one must be the device's latestDeployment.
        t.ctx.db.insert(deployments).values({ id: `old-${i}`, deviceId: id(i), state: "failed", reason: "old", createdAt: 1_000 }).run();
        t.ctx.db.insert(deployments).values({ id: `new-${i}`, deviceId: id(i), state: "queued", createdAt: 2_000 }).run();
      }
    })();
  });
  afterAll(async () => t.cleanup());

  it("pages by id with the total, 50 by default", () => {
    const first = queryDevices(t.ctx);
    expect(first).toMatchObject({ total: 1000, limit: 50, offset: 0 });
    expect(first.items.map((d) => d.id)).toEqual(Array.from({ length: 50 }, (_, i) => id(i)));
    const second = queryDevices(t.ctx, { limit: 50, offset: 50 });
    expect(second.items.map((d) => d.id)).toEqual(Array.from({ length: 50 }, (_, i) => id(50 + i)));
    expect(second.items.every((d, i) => d.latestDeployment?.id === `new-${50 + i}`)).toBe(true);
    const last = queryDevices(t.ctx, { limit: 200, offset: 950 });
    expect(last.items.map((d) => d.id)).toEqual(Array.from({ length: 50 }, (_, i) => id(950 + i)));
    expect(queryDevices(t.ctx, { offset: 5000 })).toMatchObject({ items: [], total: 1000 });
  });

  it("filters by id or name, case-insensitively, and by presence, with matching totals", () => {
    const dock = queryDevices(t.ctx, { q: "loading DOCK" });
    expect(dock.total).toBe(100);
    expect(dock.items.every((d) => d.name.startsWith("Loading Dock"))).toBe(true);
    expect(queryDevices(t.ctx, { q: "FLEET-0999" }).items.map((d) => d.id)).toEqual([id(999)]);
    const online = queryDevices(t.ctx, { presence: "online", limit: 200 });
    expect(online.total).toBe(334);
    expect(online.items).toHaveLength(200);
    expect(online.items.every((d) => d.presence === "online")).toBe(true);
    const both = queryDevices(t.ctx, { q: "dock", presence: "offline" });
    expect(both.total).toBe(66);
    expect(both.items.every((d) => d.presence === "offline" && d.name.includes("Dock"))).toBe(true);
    expect(queryDevices(t.ctx, { q: "no such camera" })).toMatchObject({ items: [], total: 0 });
  });

  it("takes % and _ in a search literally", () => {
    expect(queryDevices(t.ctx, { q: "50%_off" }).items.map((d) => d.id)).toEqual([id(7)]);
    expect(queryDevices(t.ctx, { q: "%" }).total).toBe(1);
    expect(queryDevices(t.ctx, { q: "_" }).total).toBe(1);
  });

  it("refuses out-of-range paging, naming the field", () => {
    expect(() => queryDevices(t.ctx, { limit: 0 })).toThrow(/limit/);
    expect(() => queryDevices(t.ctx, { limit: 201 })).toThrow(/limit/);
    expect(() => queryDevices(t.ctx, { offset: -1 })).toThrow(/offset/);
    expect(() => queryDevices(t.ctx, { presence: "away" as "online" })).toThrow(/presence/);
  });

  it("reads only the page's rows from SQLite, not the fleet", () => {
    const { result, reads } = rowsRead(t, () => queryDevices(t.ctx, { offset: 500 }));
    expect(result.items).toHaveLength(50);
    expect(reads.length).toBeGreaterThanOrEqual(3);
    for (const read of reads) expect(read.rows, read.sql).toBeLessThanOrEqual(50);
    // The same probe sees the whole fleet through listDevices, so it can tell the difference.
    const all = rowsRead(t, () => listDevices(t.ctx));
    expect(Math.max(...all.reads.map((r) => r.rows))).toBe(1000);
  });
});

describe("device choices of a filter", () => {
  let t: TempContext;
  beforeAll(() => {
    t = tempContext();
  });
  afterAll(async () => t.cleanup());

  it("lists a small fleet by id and asks a big one to type the id", () => {
    const add = (from: number, n: number) =>
      t.ctx.db
        .insert(devices)
        .values(Array.from({ length: n }, (_, i) => ({ id: `cam-${String(from + i).padStart(4, "0")}`, name: `Camera ${from + i}`, secretHash: "not-a-real-hash" })))
        .run();
    add(1, 3);
    expect(deviceChoices(t.ctx)).toEqual({ kind: "list", devices: [1, 2, 3].map((n) => ({ id: `cam-000${n}`, name: `Camera ${n}` })) });
    add(4, DEVICE_CHOICES_MAX - 3);
    expect(deviceChoices(t.ctx)).toMatchObject({ kind: "list" });
    add(DEVICE_CHOICES_MAX + 1, 1);
    expect(deviceChoices(t.ctx)).toEqual({ kind: "type-id", total: DEVICE_CHOICES_MAX + 1 });
  });
});
