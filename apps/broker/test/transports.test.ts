import { afterAll, beforeAll, describe, expect, it } from "vitest";
import mqtt, { type MqttClient } from "mqtt";
import { topics } from "@edgelens/shared/topics";
import { makeTestCert } from "./support/tls-cert";
import { startFixture, type Fixture } from "./support/fixture";
import { Inbox, inferPayload } from "./support/messages";

describe("TLS and WebSocket listeners", () => {
  let f: Fixture;
  let ca: Buffer;
  let removeCert: () => void;
  const clients: MqttClient[] = [];

  beforeAll(async () => {
    const tls = makeTestCert();
    removeCert = tls.remove;
    ca = tls.ca;
    const { cert, key } = tls;
    f = await startFixture({ EDGELENS_TLS_CERT: cert, EDGELENS_TLS_KEY: key, EDGELENS_MQTT_TLS_PORT: "0" });
  });
  afterAll(async () => {
    await Promise.all(clients.map((c) => c.endAsync(true)));
    await f.close();
    removeCert();
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
