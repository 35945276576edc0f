import { existsSync } from "node:fs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { eq } from "drizzle-orm";
import { artifactPath, artifacts, dataPaths, events } from "@edgelens/db";
import { topics } from "@edgelens/shared/topics";
import { parseBrokerConfig } from "../src/config";
import { EventRetention } from "../src/db/event-retention";
import { createLogger } from "../src/log";
import { linkSnapshot, writeArtifactFile } from "../src/snapshots/snapshot-store";
import { startFixture, type Fixture } from "./support/fixture";
import { metricValue, waitFor } from "./support/messages";

const DAY = 86_400_000;

function addEvents(f: Fixture, count: number, ts: number, seqFrom = 0): number[] {
  const rows = Array.from({ length: count }, (_, i) => ({ ruleName: "store-all", topic: topics.infer("cam-e"), deviceId: "cam-e", payload: { seq: seqFrom + i }, ts }));
  return f.db.db.transaction((tx) => rows.map((row) => tx.insert(events).values(row).returning({ id: events.id }).get().id));
}

async function addSnapshot(f: Fixture, text: string, eventIds: number[]): Promise<string> {
  const stored = await writeArtifactFile(dataPaths(f.dir), Buffer.from(text));
  linkSnapshot(f.db.db, stored, eventIds);
  return stored.sha256;
}

const snapshotKept = (f: Fixture, sha: string) => ({
  row: f.db.db.select().from(artifacts).where(eq(artifacts.sha256, sha)).get() !== undefined,
  file: existsSync(artifactPath(dataPaths(f.dir), sha)),
});

describe("stored events are kept within an age and a row count", () => {
  let f: Fixture;

  beforeAll(async () => {
    f = await startFixture({ EDGELENS_BROKER_EVENTS_MAX_AGE_DAYS: "7" });
  });
  afterAll(() => f.close());

  it("deletes events past the age at start, with the snapshots only they used", async () => {
    await f.broker.close(); // the rows below are there before the broker starts
    const now = Date.now();
    const old = addEvents(f, 3, now - 10 * DAY);
    const recent = addEvents(f, 5, now - 1 * DAY, 100);
    const onlyOld = await addSnapshot(f, "a frame only an old event shows", [old[0]!]);
    const shared = await addSnapshot(f, "a frame an old and a recent event show", [old[1]!, recent[0]!]);

    await f.restart(); // a pass runs at start
    await waitFor(() => f.db.db.select().from(events).all().length === 5, "the old events to go");
    const left = f.db.db.select({ id: events.id }).from(events).all().map((e) => e.id);
    expect(left).toEqual(recent);
    expect(snapshotKept(f, onlyOld)).toEqual({ row: false, file: false });
    expect(snapshotKept(f, shared)).toEqual({ row: true, file: true });
    expect(await metricValue(f.broker.httpPort, "edgelens_broker_pruned_total", 'what="events"')).toBe(3);
    expect(await metricValue(f.broker.httpPort, "edgelens_broker_pruned_total", 'what="snapshots"')).toBe(1);
  });

  it("keeps only the newest rows over the cap, in batches", async () => {
    f.db.db.delete(events).run();
    const ids = addEvents(f, 12_345, Date.now());
    const retention = new EventRetention(f.db.db, dataPaths(f.dir), { maxAgeMs: null, maxRows: 1000 }, createLogger("error"));
    expect(await retention.prune()).toEqual({ events: 11_345, snapshots: 0 });
    const left = f.db.db.select({ id: events.id }).from(events).all().map((e) => e.id);
    expect(left).toEqual(ids.slice(-1000));
    expect(await retention.prune()).toEqual({ events: 0, snapshots: 0 });
    await retention.close();
  });

  it("reads its limits from the environment, 0 meaning off, and names a bad one", () => {
    const base = { EDGELENS_DATA_DIR: f.dir };
    expect(parseBrokerConfig(base).eventRetention).toEqual({ maxAgeMs: 30 * DAY, maxRows: 1_000_000 });
    expect(parseBrokerConfig({ ...base, EDGELENS_BROKER_EVENTS_MAX_AGE_DAYS: "0", EDGELENS_BROKER_EVENTS_MAX_ROWS: "0" }).eventRetention).toEqual({ maxAgeMs: null, maxRows: null });
    expect(() => parseBrokerConfig({ ...base, EDGELENS_BROKER_EVENTS_MAX_ROWS: "-5" })).toThrow(/EDGELENS_BROKER_EVENTS_MAX_ROWS/);
  });
});
