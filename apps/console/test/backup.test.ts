import { createHash, randomBytes } from "node:crypto";
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import mqtt from "mqtt";
import { artifactPath, dataPaths, openDatabase } from "@edgelens/db";
import { signConsoleToken } from "@edgelens/shared";
import { filters, topics } from "@edgelens/shared/topics";
import { connectListening } from "@edgelens/tooling/mqtt-connect";
import { BackupManifestSchema, type BackupManifest } from "../src/cli/commands/backup";
import { startBroker } from "./support/broker";
import { waitFor } from "./support/raw-upload";
import { runCli } from "./support/cli";

/**
 * `edgelens backup` / `edgelens restore` on real SQLite files: the copy is taken while another
 * connection keeps committing, and must be one consistent snapshot; artifacts are verified.
 */
const WRITER = "backup-test-writer";
const MAX_WRITER_ROWS = 20_000;

function readManifest(dir: string): BackupManifest {
  return BackupManifestSchema.parse(JSON.parse(readFileSync(join(dir, "manifest.json"), "utf8")));
}

function sha256(bytes: Buffer): string {
  return createHash("sha256").update(bytes).digest("hex");
}

describe("edgelens backup and restore", () => {
  let root: string;
  let source: string;
  const artifactShas: string[] = [];
  const envFor = (dataDir: string) => ({ EDGELENS_DATA_DIR: dataDir, EDGELENS_BROKER_URL: "mqtt://127.0.0.1:9" });
  const backupDir = () => join(root, "backup");

  beforeAll(async () => {
    root = mkdtempSync(join(tmpdir(), "edgelens-backup-"));
    source = join(root, "data");
    // A real device through the CLI: creates, migrates the database and generates the secret.
    const reg = await runCli(["device", "register", "cam-backup"], envFor(source));
    expect(reg.code, reg.stderr).toBe(0);
    const paths = dataPaths(source);
    const handle = openDatabase(paths.dbFile);
    // ~20 MB of events, so that the copy takes several backup steps.
    const insert = handle.sqlite.prepare("INSERT INTO events (rule_name, topic, device_id, payload, ts) VALUES (?, ?, ?, ?, ?)");
    handle.sqlite.transaction(() => {
      for (let i = 0; i < 40_000; i++) insert.run("seed", "edgelens/devices/cam-backup/infer", "cam-backup", JSON.stringify({ i, pad: "x".repeat(400) }), Date.now());
    })();
    for (const size of [10, 300_000, 2_000_000]) {
      const bytes = randomBytes(size);
      const sha = sha256(bytes);
      mkdirSync(join(paths.artifactsDir, sha.slice(0, 2)), { recursive: true });
      writeFileSync(artifactPath(paths, sha), bytes);
      handle.sqlite.prepare("INSERT INTO artifacts (sha256, size, kind) VALUES (?, ?, 'upload')").run(sha, size);
      artifactShas.push(sha);
    }
    // An in-flight write of the console: never part of a backup.
    writeFileSync(join(paths.artifactsDir, artifactShas[0]!.slice(0, 2), `${artifactShas[0]}.123.tmp`), "partial");
    handle.close();
  }, 120_000);
  afterAll(() => rmSync(root, { recursive: true, force: true }));

  it("copies a consistent snapshot while another connection keeps committing", async () => {
    const writer = openDatabase(dataPaths(source).dbFile);
    const insert = writer.sqlite.prepare("INSERT INTO events (rule_name, topic, payload, ts) VALUES (?, 't', '{}', ?)");
    const counter = writer.sqlite.prepare("INSERT INTO settings (key, value) VALUES (?, ?) ON CONFLICT(key) DO UPDATE SET value = excluded.value");
    // Each commit adds one event and moves the counter: a consistent copy has them equal.
    const commit = writer.sqlite.transaction((n: number) => {
      insert.run(WRITER, Date.now());
      counter.run(WRITER, String(n));
    });
    let written = 0;
    let done = false;
    const writing = (async () => {
      while (!done && written < MAX_WRITER_ROWS) {
        commit(++written);
        await new Promise((r) => setTimeout(r, 1));
      }
    })();
    const result = await runCli(["backup", "--out", backupDir()], envFor(source), 120_000);
    done = true;
    await writing;
    writer.close();
    expect(result.code, result.stderr).toBe(0);
    expect(result.stderr).toMatch(/backup: database: .*pages/);
    expect(written).toBeGreaterThan(0);

    const manifest = readManifest(backupDir());
    const copy = openDatabase(join(backupDir(), "edgelens.db"), { readonly: true });
    try {
      expect(copy.sqlite.pragma("integrity_check", { simple: true })).toBe("ok");
      const events = copy.sqlite.prepare("SELECT count(*) FROM events WHERE rule_name = ?").pluck().get(WRITER) as number;
      const value = copy.sqlite.prepare("SELECT value FROM settings WHERE key = ?").pluck().get(WRITER) as string | undefined;
      expect(events).toBe(Number(value ?? 0));
      expect(events).toBeLessThanOrEqual(written);
      expect(manifest.database.tables.events).toBe(40_000 + events);
      expect(copy.sqlite.prepare("SELECT id FROM devices").pluck().all()).toEqual(["cam-backup"]);
    } finally {
      copy.close();
    }
    expect(manifest.database.migrations.count).toBeGreaterThan(0);
    expect(manifest.problems).toEqual([]);
    expect(manifest.skipped).not.toContain("artifacts");
    expect(statSync(backupDir()).mode & 0o777).toBe(0o700);
  }, 150_000);

  it("copies and verifies the artifacts and the secret; a second run copies only what is new", async () => {
    const manifest = readManifest(backupDir());
    expect(manifest.artifacts).toMatchObject({ files: 3, copied: 3, bytes: 2_300_010 });
    for (const sha of artifactShas) expect(sha256(readFileSync(join(backupDir(), "artifacts", sha.slice(0, 2), sha)))).toBe(sha);
    expect(existsSync(join(backupDir(), "artifacts", artifactShas[0]!.slice(0, 2), `${artifactShas[0]}.123.tmp`))).toBe(false);
    expect(manifest.files.map((f) => f.name)).toEqual(["secret"]);
    expect(readFileSync(join(backupDir(), "secret"), "utf8")).toBe(readFileSync(join(source, "secret"), "utf8"));
    expect(statSync(join(backupDir(), "secret")).mode & 0o777).toBe(0o600);

    const again = await runCli(["backup", "--out", backupDir()], envFor(source));
    expect(again.code, again.stderr).toBe(0);
    expect(readManifest(backupDir()).artifacts).toMatchObject({ files: 3, copied: 0 });
  }, 60_000);

  it("names a damaged artifact of the source and fails, after copying everything else", async () => {
    const damaged = join(root, "damaged");
    cpSync(source, damaged, { recursive: true });
    const sha = artifactShas[1]!;
    const file = artifactPath(dataPaths(damaged), sha);
    const bytes = readFileSync(file);
    bytes[1000] = (bytes[1000] ?? 0) ^ 0xff;
    writeFileSync(file, bytes);
    const out = join(root, "backup-damaged");
    const result = await runCli(["backup", "--out", out], envFor(damaged));
    expect(result.code).toBe(1);
    expect(result.stderr).toContain(`${file}: its sha256 is ${sha256(bytes)}, not its name`);
    expect(existsSync(join(out, "artifacts", sha.slice(0, 2), sha))).toBe(false);
    const manifest = readManifest(out);
    expect(manifest.artifacts.files).toBe(2);
    expect(manifest.problems.join("\n")).toContain(file);
  }, 60_000);

  it("restores into an empty data dir: same rows, artifacts and secret; the CLI works on it", async () => {
    const target = join(root, "restored");
    const result = await runCli(["restore", "--from", backupDir()], envFor(target));
    expect(result.code, result.stderr).toBe(0);
    const manifest = readManifest(backupDir());
    const handle = openDatabase(join(target, "edgelens.db"), { readonly: true });
    try {
      expect(handle.sqlite.pragma("integrity_check", { simple: true })).toBe("ok");
      expect(handle.sqlite.prepare("SELECT count(*) FROM events").pluck().get()).toBe(manifest.database.tables.events);
    } finally {
      handle.close();
    }
    for (const sha of artifactShas) expect(sha256(readFileSync(artifactPath(dataPaths(target), sha)))).toBe(sha);
    expect(readFileSync(join(target, "secret"), "utf8")).toBe(readFileSync(join(source, "secret"), "utf8"));
    expect(statSync(join(target, "secret")).mode & 0o777).toBe(0o600);
    const list = await runCli(["device", "list", "--json"], envFor(target));
    expect(list.code, list.stderr).toBe(0);
    expect((JSON.parse(list.stdout) as { id: string }[]).map((d) => d.id)).toEqual(["cam-backup"]);
  }, 60_000);

  it("refuses a data dir that is not empty, and leaves it as it was", async () => {
    const target = join(root, "restored");
    const before = readFileSync(join(target, "edgelens.db"));
    const result = await runCli(["restore", "--from", backupDir()], envFor(target));
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/data dir .*restored is not empty.*--force/);
    expect(readFileSync(join(target, "edgelens.db")).equals(before)).toBe(true);
  }, 60_000);

  it("refuses a backup migrated further than this code", async () => {
    const newer = join(root, "backup-newer");
    cpSync(backupDir(), newer, { recursive: true });
    const handle = openDatabase(join(newer, "edgelens.db"));
    handle.sqlite.prepare("INSERT INTO __drizzle_migrations (hash, created_at) VALUES ('future', ?)").run(Date.now() + 365 * 24 * 3600 * 1000);
    handle.sqlite.pragma("journal_mode = DELETE");
    handle.close();
    const target = join(root, "restored-newer");
    const result = await runCli(["restore", "--from", newer], envFor(target));
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/CONFLICT: the backup's database is at migration level \d+ .*newer than this code's/);
    expect(existsSync(join(target, "edgelens.db"))).toBe(false);
  }, 60_000);

  it("includes the broker's persistent sessions, copied while the broker runs: a restored broker delivers what was queued", async () => {
    const secret = readFileSync(join(source, "secret"), "utf8").trim();
    const iat = Math.floor(Date.now() / 1000);
    const login = async (sub: string, role: "admin" | "viewer") => ({ username: `user:${sub}`, password: await signConsoleToken({ sub, role, iat, exp: iat + 600 }, secret) });
    const session = { clientId: "backup-sub", clean: false, protocolVersion: 4 as const, reconnectPeriod: 0, ...(await login("backup-sub", "viewer")) };
    const result = JSON.stringify({ deviceId: "cam-backup", projectId: "p", seq: 7, ts: Date.now(), frame: { width: 1, height: 1 }, latencyMs: { total: 1, inference: 1 } });
    const out = join(root, "backup-sessions");
    const live = await startBroker(source, secret);
    try {
      const sub = await mqtt.connectAsync(live.mqttUrl, session);
      await sub.subscribeAsync(filters.allOf("infer"), { qos: 1 });
      await sub.endAsync();
      const admin = await mqtt.connectAsync(live.mqttUrl, { clientId: "backup-admin", protocolVersion: 4, reconnectPeriod: 0, ...(await login("backup-admin", "admin")) });
      // Acknowledged only once queued for the offline session (durable acks).
      await admin.publishAsync(topics.infer("cam-backup"), result, { qos: 1 });
      await admin.endAsync();
      const backup = await runCli(["backup", "--out", out], envFor(source));
      expect(backup.code, backup.stderr).toBe(0);
    } finally {
      await live.stop();
    }
    expect(readManifest(out)).toMatchObject({ broker: { tries: expect.any(Number) as number }, problems: [] });
    expect(readManifest(out).skipped).not.toContain("broker");
    const target = join(root, "restored-sessions");
    const restore = await runCli(["restore", "--from", out], envFor(target));
    expect(restore.code, restore.stderr).toBe(0);
    const restored = await startBroker(target, secret);
    try {
      const messages: string[] = [];
      const sub = await connectListening(restored.mqttUrl, session, (client) => client.on("message", (_topic, payload) => messages.push(payload.toString())));
      await waitFor("the queued result", () => messages.length > 0, 10_000);
      const got = messages[0] ?? "";
      expect(JSON.parse(got)).toMatchObject({ seq: 7 });
      await sub.endAsync(true);
    } finally {
      await restored.stop();
    }
  }, 120_000);
});
