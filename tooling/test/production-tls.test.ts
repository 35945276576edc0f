import { execFile, spawn, type ChildProcess } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { connect, type TLSSocket } from "node:tls";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

/**
 * The TLS recipe of docs/production.md, run as written: its openssl commands make the CA and
 * the broker certificate, the broker starts with the documented environment files (only paths,
 * ports and the bind address moved to this test's temp dir and loopback), the console's admin
 * CLI accepts the same files and registers a device, and that device authenticates over TLS
 * against the documented host name while a wrong name is refused.
 */
const root = fileURLToPath(new URL("../..", import.meta.url));
const tsx = join(root, "node_modules/.bin/tsx");
const doc = readFileSync(join(root, "docs/production.md"), "utf8");
const run = promisify(execFile);

const blocks = [...doc.matchAll(/```\w*\n([\s\S]*?)```/g)].map((m) => m[1] ?? "");

function exampleEnv(path: string): Record<string, string> {
  const block = blocks.find((b) => b.startsWith(`# ${path}`));
  if (!block) throw new Error(`docs/production.md shows no ${path}`);
  return Object.fromEntries(
    block
      .split("\n")
      .filter((l) => /^[A-Z_][A-Z0-9_]*=/.test(l))
      .map((l) => [l.slice(0, l.indexOf("=")), l.slice(l.indexOf("=") + 1)]),
  );
}

/** MQTT 3.1.1 CONNECT (section 3.1) with a clean session, user name and password. */
function connectPacket(clientId: string, username: string, password: string): Buffer {
  const str = (s: string) => {
    const b = Buffer.from(s, "utf8");
    return Buffer.concat([Buffer.from([b.length >> 8, b.length & 0xff]), b]);
  };
  const body = Buffer.concat([str("MQTT"), Buffer.from([4, 0xc2, 0, 30]), str(clientId), str(username), str(password)]);
  const length: number[] = [];
  for (let n = body.length; ; ) {
    const byte = n % 128;
    n = Math.floor(n / 128);
    length.push(n > 0 ? byte | 0x80 : byte);
    if (n === 0) break;
  }
  return Buffer.concat([Buffer.from([0x10, ...length]), body]);
}

function tlsOpen(port: number, servername: string, ca: Buffer): Promise<TLSSocket> {
  return new Promise((resolve, reject) => {
    const socket = connect({ host: "127.0.0.1", port, servername, ca }, () => resolve(socket));
    socket.once("error", reject);
  });
}

/** The CONNACK return code the broker answers a CONNECT with. */
function mqttConnect(socket: TLSSocket, packet: Buffer): Promise<number> {
  return new Promise((resolve, reject) => {
    socket.once("data", (data: Buffer) => (data[0] === 0x20 && data.length >= 4 ? resolve(data[3] ?? -1) : reject(new Error(`not a CONNACK: ${data.toString("hex")}`))));
    socket.once("error", reject);
    socket.write(packet);
  });
}

describe("TLS for MQTT as docs/production.md sets it up", () => {
  let dir: string;
  let tlsDir: string;
  let env: Record<string, string>;
  let broker: ChildProcess | undefined;
  let brokerOutput = "";
  let tlsPort = 0;
  const host = new URL(exampleEnv("/etc/edgelens/edgelens.env").EDGELENS_BROKER_URL ?? "").hostname;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), "edgelens-tls-"));
    tlsDir = join(dir, "tls");
    mkdirSync(tlsDir);
    const recipe = blocks.find((b) => b.includes("openssl req -x509"));
    if (!recipe) throw new Error("docs/production.md has no openssl recipe");
    await run("bash", ["-euc", recipe], { cwd: tlsDir });
    const move = (value: string) => value.replace("/etc/edgelens/tls", tlsDir).replace("/var/lib/edgelens", join(dir, "data"));
    const documented = { ...exampleEnv("/etc/edgelens/edgelens.env"), ...exampleEnv("/etc/edgelens/broker.env") };
    env = Object.fromEntries(Object.entries(documented).map(([k, v]) => [k, move(v)]));
    // Loopback and ephemeral ports: the only changes to the documented values.
    Object.assign(env, { EDGELENS_HOST: "127.0.0.1", EDGELENS_MQTT_PORT: "0", EDGELENS_WS_PORT: "0", EDGELENS_BROKER_HTTP_PORT: "0", EDGELENS_MQTT_TLS_PORT: "0" });
    const child = spawn(tsx, [join(root, "apps/broker/src/main.ts")], { cwd: root, env: { PATH: process.env.PATH, HOME: tmpdir(), ...env }, stdio: ["ignore", "pipe", "pipe"] });
    broker = child;
    child.stderr.on("data", (c: Buffer) => (brokerOutput += c.toString("utf8")));
    const line = await new Promise<string>((resolve, reject) => {
      child.stdout.on("data", (c: Buffer) => {
        brokerOutput += c.toString("utf8");
        const hit = brokerOutput.split("\n").find((l) => l.includes('"event":"listening"'));
        if (hit) resolve(hit);
      });
      child.once("exit", (code) => reject(new Error(`broker exited (${code}):\n${brokerOutput}`)));
    });
    tlsPort = (JSON.parse(line) as { tls: number | null }).tls ?? 0;
  }, 120_000);

  afterAll(async () => {
    if (broker && broker.exitCode === null) {
      const exited = new Promise((r) => broker?.once("exit", r));
      broker.kill("SIGTERM");
      await exited;
    }
    rmSync(dir, { recursive: true, force: true });
  });

  it("the recipe makes a CA, a key and a certificate where the environment file points", () => {
    for (const key of ["EDGELENS_TLS_CERT", "EDGELENS_TLS_KEY", "NODE_EXTRA_CA_CERTS"]) expect(existsSync(env[key] ?? ""), key).toBe(true);
    expect(tlsPort, brokerOutput).toBeGreaterThan(0);
  });

  it("a device registered with the documented configuration connects over TLS; a wrong host name is refused", async () => {
    const reg = await run(tsx, [join(root, "apps/console/src/cli/main.ts"), "device", "register", "tls-cam"], {
      cwd: root,
      env: { PATH: process.env.PATH, HOME: tmpdir(), ...env, ...exampleEnv("/etc/edgelens/console.env") },
    });
    const device = JSON.parse(reg.stdout) as { deviceId: string; secret: string; brokerUrl: string };
    expect(device.brokerUrl).toBe(`mqtts://${host}:8883`);

    const ca = readFileSync(env.NODE_EXTRA_CA_CERTS ?? "");
    const socket = await tlsOpen(tlsPort, host, ca);
    try {
      expect(socket.authorized).toBe(true);
      expect(await mqttConnect(socket, connectPacket(device.deviceId, device.deviceId, device.secret))).toBe(0);
    } finally {
      socket.destroy();
    }
    const refused = await tlsOpen(tlsPort, "not-the-broker.example.com", ca).then(
      (s) => (s.destroy(), "connected"),
      (err: NodeJS.ErrnoException) => err.code,
    );
    expect(refused).toBe("ERR_TLS_CERT_ALTNAME_INVALID");
  }, 60_000);
});
