import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import mqtt, { type IClientOptions, type MqttClient } from "mqtt";
import { dataPaths, devices, hashSecret, loadOrCreateSecret, migrateDatabase, openDatabase, rules, type DatabaseHandle } from "@edgelens/db";
import { signConsoleToken, type RuleActionConfig } from "@edgelens/shared";
import { connectListening } from "@edgelens/tooling/mqtt-connect";
import { parseBrokerConfig, type BrokerConfig } from "../../src/config";
import { createLogger } from "../../src/log";
import { startBroker, type RunningBroker, type StartOptions } from "../../src/server";

export interface Fixture {
  dir: string;
  config: BrokerConfig;
  /** The test's own connection to the broker's SQLite file (like the console's). */
  db: DatabaseHandle;
  broker: RunningBroker;
  url: string;
  secret: string;
  addDevice(id: string, secret?: string): Promise<string>;
  token(role: "admin" | "viewer", sub?: string, ttlSec?: number): Promise<{ username: string; password: string }>;
  /** `attach` adds listeners before CONNACK, for a persistent session's queued messages. */
  connect(options: IClientOptions, attach?: (client: MqttClient) => void): Promise<MqttClient>;
  device(id: string, secret: string, options?: IClientOptions, attach?: (client: MqttClient) => void): Promise<MqttClient>;
  admin(options?: IClientOptions): Promise<MqttClient>;
  addRule(id: string, sql: string, actions: RuleActionConfig[], errorAction?: RuleActionConfig): void;
  restart(): Promise<void>;
  close(): Promise<void>;
}

export const SECRET = "test-secret-0123456789abcdef";

/** A real broker on ephemeral loopback ports with a migrated SQLite file in a temp dir. */
export async function startFixture(env: Record<string, string> = {}, options: Omit<StartOptions, "log"> = {}): Promise<Fixture> {
  const dir = mkdtempSync(join(tmpdir(), "edgelens-broker-"));
  const config = parseBrokerConfig({
    EDGELENS_DATA_DIR: dir,
    EDGELENS_MQTT_PORT: "0",
    EDGELENS_WS_PORT: "0",
    EDGELENS_BROKER_HTTP_PORT: "0",
    EDGELENS_BROKER_POLL_MS: "100",
    EDGELENS_SECRET: SECRET,
    ...env,
  });
  const db = openDatabase(dataPaths(dir).dbFile);
  migrateDatabase(db);
  const log = createLogger(process.env.BROKER_TEST_LOG === "1" ? "debug" : "error");
  let broker = await startBroker(config, { log, ...options });
  const clients: MqttClient[] = [];
  const secret = loadOrCreateSecret(dataPaths(dir), config.secret);
  const f: Fixture = {
    dir,
    config,
    db,
    get broker() {
      return broker;
    },
    get url() {
      return `mqtt://127.0.0.1:${broker.mqttPort}`;
    },
    secret,
    async addDevice(id, deviceSecret = `secret-of-${id}-0123456789`) {
      db.db.insert(devices).values({ id, name: id, secretHash: await hashSecret(deviceSecret) }).run();
      return deviceSecret;
    },
    async token(role, sub = `${role}-1`, ttlSec = 3600) {
      const iat = Math.floor(Date.now() / 1000);
      return { username: `user:${sub}`, password: await signConsoleToken({ sub, role, iat, exp: iat + ttlSec }, secret) };
    },
    async connect(opts, attach = () => undefined) {
      const client = await connectListening(f.url, { reconnectPeriod: 0, connectTimeout: 10_000, protocolVersion: 4, ...opts }, attach);
      clients.push(client);
      return client;
    },
    device(id, deviceSecret, opts = {}, attach) {
      return f.connect({ clientId: id, username: id, password: deviceSecret, ...opts }, attach);
    },
    async admin(opts = {}) {
      return f.connect({ clientId: `admin-${Math.random().toString(36).slice(2, 10)}`, ...(await f.token("admin")), ...opts });
    },
    addRule(id, sql, actions, errorAction) {
      db.db.insert(rules).values({ id, name: id, sql, actions, errorAction: errorAction ?? null, updatedAt: Date.now() }).run();
    },
    async restart() {
      await broker.close();
      broker = await startBroker({ ...config, mqttPort: broker.mqttPort }, { log, ...options });
    },
    async close() {
      await Promise.all(clients.map((c) => c.endAsync(true).catch(() => undefined)));
      await broker.close();
      db.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
  return f;
}

/** Resolves with the CONNACK refusal code (mqtt.js puts it on the error), or throws if it connected. */
export async function refusalCode(url: string, opts: IClientOptions): Promise<number> {
  try {
    const client = await mqtt.connectAsync(url, { reconnectPeriod: 0, connectTimeout: 10_000, protocolVersion: 4, ...opts });
    await client.endAsync(true);
  } catch (err) {
    return (err as { code?: number }).code ?? -1;
  }
  throw new Error("the connection was accepted");
}
