import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { eq } from "drizzle-orm";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { dataPaths, deploymentEvents, deployments, devices, events, migrateDatabase, openDatabase, projects, type DatabaseHandle } from "../src/index";

let dir: string;
let handle: DatabaseHandle;

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), "edgelens-db-"));
  handle = openDatabase(dataPaths(dir).dbFile);
  migrateDatabase(handle);
});
afterEach(() => {
  handle.close();
  rmSync(dir, { recursive: true, force: true });
});

describe("database", () => {
  it("opens a SQLite file in WAL mode with a busy timeout and foreign keys", () => {
    expect(handle.sqlite.pragma("journal_mode", { simple: true })).toBe("wal");
    expect(handle.sqlite.pragma("busy_timeout", { simple: true })).toBe(5000);
    expect(handle.sqlite.pragma("foreign_keys", { simple: true })).toBe(1);
  });

  it("migrates idempotently: a second migrate on the same file changes nothing", () => {
    const before = handle.sqlite.prepare("select count(*) as n from __drizzle_migrations").get() as { n: number };
    migrateDatabase(handle);
    const after = handle.sqlite.prepare("select count(*) as n from __drizzle_migrations").get() as { n: number };
    expect(after.n).toBe(before.n);
    expect(after.n).toBeGreaterThan(0);
  });

  it("stores a device with defaults and cascades its deployments on delete", () => {
    const { db } = handle;
    db.insert(devices).values({ id: "cam-1", name: "Kitchen", secretHash: "scrypt$x" }).run();
    const row = db.select().from(devices).where(eq(devices.id, "cam-1")).get();
    expect(row?.registration).toBe("awaiting-credentials");
    expect(row?.presence).toBe("offline");
    expect(row?.createdAt).toBeGreaterThan(1_600_000_000_000);

    db.insert(projects).values({ id: "p1", name: "People" }).run();
    db.insert(deployments).values({ id: "d1", deviceId: "cam-1", projectId: "p1", projectVersion: 1 }).run();
    db.insert(deploymentEvents).values({ deploymentId: "d1", state: "downloading", pct: 10, ts: Date.now() }).run();
    db.delete(devices).where(eq(devices.id, "cam-1")).run();
    expect(db.select().from(deployments).all()).toHaveLength(0);
    expect(db.select().from(deploymentEvents).all()).toHaveLength(0);
  });

  it("refuses a deployment for an unknown device (foreign key)", () => {
    expect(() => handle.db.insert(deployments).values({ id: "d2", deviceId: "ghost" }).run()).toThrow(/FOREIGN KEY/);
  });

  it("round-trips JSON columns", () => {
    handle.db.insert(events).values({ ruleName: "r", topic: "t", payload: { counts: { person: 3 } }, ts: 1 }).run();
    expect(handle.db.select().from(events).get()?.payload).toEqual({ counts: { person: 3 } });
  });

  it("lets a second connection read while the first holds a write transaction (WAL)", () => {
    const other = openDatabase(handle.path);
    try {
      handle.sqlite.exec("BEGIN IMMEDIATE");
      handle.db.insert(projects).values({ id: "p2", name: "Two" }).run();
      expect(other.db.select().from(projects).all()).toHaveLength(0);
      handle.sqlite.exec("COMMIT");
      expect(other.db.select().from(projects).all()).toHaveLength(1);
    } finally {
      other.close();
    }
  });
});
