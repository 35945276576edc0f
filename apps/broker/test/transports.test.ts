import { execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import mqtt, { type MqttClient } from "mqtt";
import { topics } from "@edgelens/shared/topics";
import { startFixture, type Fixture } from "./support/fixture";
import { Inbox, inferPayload } from "./support/messages";

describe("TLS and WebSocket listeners", () => {
  let f: Fixture;
  let ca: Buffer;
  let certDir: string;
  const clients: MqttClient[] = [];

  beforeAll(async () => {
    certDir = mkdtempSync(join(tmpdir(), "edgelens-tls-"));
    const cert = join(certDir, "cert.pem");
    const key = join(certDir, "key.pem");
    execFileSync("/usr/bin/openssl", ["req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", key, "-out", cert, "-days", "1", "-subj", "/CN=localhost", "-addext", "subjectAltName=IP:127.0.0.1"], {
      stdio: "ignore",
    });
    ca = readFileSync(cert);
    f = await startFixture({ EDGELENS_TLS_CERT: cert, EDGELENS_TLS_KEY: key, EDGELENS_MQTT_TLS_PORT: "0" });
  });
  afterAll(async () => {
    await Promise.all(clients.map((c) => c.endAsync(true)));
    await f.close();
    rmSync(certDir, { recursive: true, force: true });
  });

  it("a browser-style WebSocket client with a console token sees a device publishing over TLS", async () => {
    expect(f.broker.tlsPort).toBeGreaterThan(0);
    const viewer = await mqtt.connectAsync(`ws://127.0.0.1:${f.broker.wsPort}/mqtt`, { clientId: "browser-1", ...(await f.token("viewer", "browser")), reconnectPeriod: 0 });
    clients.push(viewer);
    const inbox = new Inbox(viewer);
    await viewer.subscribeAsync(topics.infer("tls-cam"), { qos: 1 });

    const secret = await f.addDevice("tls-cam");
    const cam = await mqtt.connectAsync(`mqtts://127.0.0.1:${f.broker.tlsPort}`, { clientId: "tls-cam", username: "tls-cam", password: secret, ca, reconnectPeriod: 0 });
    clients.push(cam);
    await cam.publishAsync(topics.infer("tls-cam"), inferPayload("tls-cam"), { qos: 1 });
    expect((await inbox.next(topics.infer("tls-cam"))).json()).toMatchObject({ deviceId: "tls-cam" });
  });

  it("a TLS client that does not trust the certificate fails its handshake; the broker carries on", async () => {
    await expect(mqtt.connectAsync(`mqtts://127.0.0.1:${f.broker.tlsPort}`, { username: "x", password: "y", reconnectPeriod: 0, connectTimeout: 5000 })).rejects.toThrow();
    const health = await fetch(`http://127.0.0.1:${f.broker.httpPort}/healthz`);
    expect(health.status).toBe(200);
  });
});
