/**
 * `store` with `snapshot: true`, end to end: a real broker on ephemeral ports, a real SQLite file,
 * mqtt.js devices that answer the `snapshot` command the way the agent does (the latest frame as
 * raw JPEG bytes on `frames/{stream}`), real photos from the shared media folder.
 */
import { createHash } from "node:crypto";
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import mqtt, { type MqttClient } from "mqtt";
import { eq } from "drizzle-orm";
import { artifactPath, artifacts, dataPaths, devices, events, hashSecret, migrateDatabase, openDatabase, rules, type DatabaseHandle } from "@edgelens/db";
import { filters, topics } from "@edgelens/shared/topics";
import { parseBrokerConfig } from "../src/config";
import { startBroker, type RunningBroker } from "../src/server";
import { SECRET } from "./support/fixture";
import { inferPayload, metricValue, waitFor } from "./support/messages";

const EXPIRY_MS = 1500;

/** The real photos: `../shared/media` beside the checkout, else the cache @edgelens/vision fills. */
function media(name: string): Buffer {
  const repo = join(import.meta.dirname, "..", "..", "..");
  const found = [join(repo, "..", "shared", "media", name), join(repo, ".cache", "media", name)].find((p) => existsSync(p));
  if (!found) throw new Error(`${name} not found beside the checkout (../shared/media) or in .cache/media (run the vision tests once to fill it)`);
  return readFileSync(found);
}

const sha256Of = (bytes: Buffer) => createHash("sha256").update(bytes).digest("hex");

interface LogLine {
  level: string;
  msg: string;
  code?: string;
  deviceId?: string;
  eventIds?: number[];
}

describe("store snapshots: the device's next frame becomes the event's picture", () => {
  let dir: string;
  let db: DatabaseHandle;
  let broker: RunningBroker;
  let restartBroker: (expiryMs: number) => Promise<void>;
  const logs: LogLine[] = [];
  const clients: MqttClient[] = [];
  const dog = media("dog.jpg");
  const person = media("person.jpg");
  const png = media("imageTextN.png");

  /** A device that answers each `snapshot` command with `answer()` on frames/project (null: never answers). */
  async function device(id: string, answer: () => Buffer | null): Promise<{ client: MqttClient; commands: number[] }> {
    const secret = `secret-of-${id}-0123456789`;
    db.db.insert(devices).values({ id, name: id, secretHash: await hashSecret(secret) }).run();
    const client = await mqtt.connectAsync(`mqtt://127.0.0.1:${broker.mqttPort}`, { clientId: id, username: id, password: secret, reconnectPeriod: 0, protocolVersion: 4 });
    clients.push(client);
    const commands: number[] = [];
    client.on("message", (_topic, payload) => {
      const cmd = JSON.parse(payload.toString()) as { cmd: string; args?: { eventId?: number } };
      if (cmd.cmd !== "snapshot") return;
      commands.push(cmd.args?.eventId ?? -1);
      const frame = answer();
      if (frame) void client.publishAsync(topics.frames(id, "project"), frame, { qos: 1 });
    });
    await client.subscribeAsync(topics.commands(id), { qos: 1 });
    return { client, commands };
  }

  const eventOf = (deviceId: string) => waitFor(() => db.db.select().from(events).where(eq(events.deviceId, deviceId)).get(), `event of ${deviceId}`);
  const metric = (outcome: string) => metricValue(broker.httpPort, "edgelens_broker_snapshot_requests_total", `outcome="${outcome}"`);

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), "edgelens-broker-snapshots-"));
    db = openDatabase(dataPaths(dir).dbFile);
    migrateDatabase(db);
    db.db
      .insert(rules)
      .values({ id: "keep-people", name: "keep-people", sql: `SELECT * FROM '${filters.allOf("infer")}' WHERE count(detections) > 0`, actions: [{ type: "store", snapshot: true }], updatedAt: Date.now() })
      .run();
    const config = parseBrokerConfig({ EDGELENS_DATA_DIR: dir, EDGELENS_MQTT_PORT: "0", EDGELENS_WS_PORT: "0", EDGELENS_BROKER_HTTP_PORT: "0", EDGELENS_BROKER_POLL_MS: "100", EDGELENS_SECRET: SECRET });
    const log = (level: string) => (msg: string, fields: Record<string, unknown> = {}) => logs.push({ level, msg, ...fields });
    const start = (expiryMs: number) => startBroker(config, { log: { debug: log("debug"), info: log("info"), warn: log("warn"), error: log("error") }, snapshotExpiryMs: expiryMs });
    broker = await start(EXPIRY_MS);
    restartBroker = async (expiryMs) => {
      await broker.close();
      broker = await start(expiryMs);
    };
  });

  afterAll(async () => {
    await Promise.all(clients.map((c) => c.endAsync(true).catch(() => undefined)));
    await broker?.close();
    db?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it("stores the JPEG sent after the command once, content-addressed, and links the event", async () => {
    const cam = await device("cam-snap", () => dog);
    // A frame before any request (the preview stream, say) answers nothing.
    await cam.client.publishAsync(topics.frames("cam-snap", "project"), person, { qos: 1 });
    await cam.client.publishAsync(topics.infer("cam-snap"), inferPayload("cam-snap", 2, 1), { qos: 1 });
    const linked = await waitFor(() => db.db.select().from(events).where(eq(events.deviceId, "cam-snap")).get()?.snapshotSha256 ?? undefined, "snapshot_sha256 set");
    const event = await eventOf("cam-snap");
    expect(cam.commands).toEqual([event.id]);
    expect(linked).toBe(sha256Of(dog));
    const file = artifactPath(dataPaths(dir), linked);
    expect(readFileSync(file).equals(dog)).toBe(true);
    expect(db.db.select().from(artifacts).where(eq(artifacts.sha256, linked)).get()).toMatchObject({ kind: "snapshot", size: dog.length });
    expect(db.db.select().from(artifacts).where(eq(artifacts.sha256, sha256Of(person))).get()).toBeUndefined();
    expect(readdirSync(join(dir, "artifacts"), { recursive: true }).map(String).filter((p) => p.endsWith(".tmp"))).toEqual([]);
    expect(await metric("stored")).toBe(1);
  });

  it("a device that never answers: the event stays without a snapshot, the request expires, counted and logged once", async () => {
    const cam = await device("cam-mute", () => null);
    await cam.client.publishAsync(topics.infer("cam-mute"), inferPayload("cam-mute", 1, 1), { qos: 1 });
    const event = await eventOf("cam-mute");
    await waitFor(() => cam.commands.includes(event.id), "snapshot command received");
    await waitFor(async () => (await metric("expired")) >= 1, "expiry counted");
    const expired = logs.filter((l) => l.deviceId === "cam-mute" && l.code === "NOT_FOUND");
    expect(expired).toHaveLength(1);
    expect(expired[0]).toMatchObject({ level: "warn", eventIds: [event.id] });
    expect(db.db.select().from(events).where(eq(events.id, event.id)).get()?.snapshotSha256).toBeNull();
  });

  it("a non-JPEG frame is not stored: dropped, logged with its code and the device id", async () => {
    const cam = await device("cam-png", () => png);
    await cam.client.publishAsync(topics.infer("cam-png"), inferPayload("cam-png", 1, 1), { qos: 1 });
    const event = await eventOf("cam-png");
    await waitFor(() => logs.find((l) => l.deviceId === "cam-png" && l.code === "INVALID_PAYLOAD"), "invalid frame logged");
    expect(await metricValue(broker.httpPort, "edgelens_broker_payload_invalid_total", 'kind="frames"')).toBe(1);
    expect(db.db.select().from(artifacts).where(eq(artifacts.sha256, sha256Of(png))).get()).toBeUndefined();
    expect(existsSync(artifactPath(dataPaths(dir), sha256Of(png)))).toBe(false);
    await waitFor(() => logs.find((l) => l.deviceId === "cam-png" && l.code === "NOT_FOUND"), "request expired");
    expect(db.db.select().from(events).where(eq(events.id, event.id)).get()?.snapshotSha256).toBeNull();
    expect(db.db.select().from(artifacts).all()).toHaveLength(1);
  });

  it("a request still waiting when the broker restarts is answered by the device's first frame after it", async () => {
    // Long enough for two restarts on a busy machine; the request keeps its first timestamp.
    await restartBroker(20_000);
    let answer: Buffer | null = null;
    const cam = await device("cam-restart", () => answer);
    await cam.client.publishAsync(topics.infer("cam-restart"), inferPayload("cam-restart", 1, 1), { qos: 1 });
    const event = await eventOf("cam-restart");
    await waitFor(() => cam.commands.includes(event.id), "snapshot command received");
    await restartBroker(20_000);
    const again = await mqtt.connectAsync(`mqtt://127.0.0.1:${broker.mqttPort}`, { clientId: "cam-restart", username: "cam-restart", password: "secret-of-cam-restart-0123456789", reconnectPeriod: 0, protocolVersion: 4 });
    clients.push(again);
    answer = person;
    await again.publishAsync(topics.frames("cam-restart", "project"), person, { qos: 1 });
    const linked = await waitFor(() => db.db.select().from(events).where(eq(events.id, event.id)).get()?.snapshotSha256 ?? undefined, "snapshot_sha256 set after the restart", 5000);
    expect(linked).toBe(sha256Of(person));
  });
});
