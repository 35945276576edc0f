import { connect, createServer, type Server, type Socket } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import mqtt from "mqtt";
import { parseProxyHeader } from "../src/transport/proxy-header";
import { makeTestCert } from "./support/tls-cert";
import { refusalCode, startFixture, type Fixture } from "./support/fixture";

/**
 * Issue 13 item 7: behind a TCP proxy (haproxy `send-proxy-v2`, nginx `proxy_protocol on`) the
 * MQTT TCP/TLS listeners take the client address from the PROXY header of a trusted proxy, so
 * the login lockout hits the guesser's address, not every device behind the proxy.
 */
const LIMIT = 30;

function v1(address: string): Buffer {
  return Buffer.from(`PROXY TCP4 ${address} 127.0.0.1 40000 1883\r\n`);
}

function v2(address: string): Buffer {
  const ip = address.split(".").map(Number);
  const body = Buffer.from([...ip, 127, 0, 0, 1, 0x9c, 0x40, 0x07, 0x5b]);
  const head = Buffer.from([0x0d, 0x0a, 0x0d, 0x0a, 0x00, 0x0d, 0x0a, 0x51, 0x55, 0x49, 0x54, 0x0a, 0x21, 0x11, 0, body.length]);
  return Buffer.concat([head, body]);
}

/** A TCP proxy like haproxy's: connects upstream, writes `header()` first, then relays both ways. */
async function startProxy(targetPort: () => number, header: () => Buffer): Promise<{ server: Server; port: number }> {
  const server = createServer((client) => {
    const upstream = connect(targetPort(), "127.0.0.1", () => {
      upstream.write(header());
      client.pipe(upstream).pipe(client);
    });
    const end = () => {
      client.destroy();
      upstream.destroy();
    };
    client.on("error", end).on("close", end);
    upstream.on("error", end).on("close", end);
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return { server, port: (server.address() as { port: number }).port };
}

/** Sends `bytes` from `localAddress` and resolves with what came back once the broker closed. */
function sendRaw(port: number, bytes: Buffer, localAddress = "127.0.0.1"): Promise<{ closed: boolean; received: number }> {
  return new Promise((resolve) => {
    let received = 0;
    const socket: Socket = connect({ port, host: "127.0.0.1", localAddress }, () => socket.write(bytes));
    const timer = setTimeout(() => {
      socket.destroy();
      resolve({ closed: false, received });
    }, 5000);
    socket.on("data", (d: Buffer) => (received += d.length));
    socket.on("error", () => undefined);
    socket.on("close", () => {
      clearTimeout(timer);
      resolve({ closed: true, received });
    });
  });
}

describe("PROXY protocol on the MQTT TCP and TLS listeners", () => {
  let f: Fixture;
  let removeCert: () => void;
  let ca: Buffer;
  let secret: string;
  let header = v1("203.0.113.5");
  const proxies: Server[] = [];
  let tcpProxy: number;
  let tlsProxy: number;

  beforeAll(async () => {
    const certs = makeTestCert();
    removeCert = certs.remove;
    ca = certs.ca;
    const { cert, key } = certs;
    f = await startFixture({
      EDGELENS_TLS_CERT: cert,
      EDGELENS_TLS_KEY: key,
      EDGELENS_MQTT_TLS_PORT: "0",
      EDGELENS_BROKER_PROXY_PROTOCOL: "optional",
      // 127.0.0.2 (another loopback address) plays an untrusted peer.
      EDGELENS_BROKER_TRUSTED_PROXIES: "127.0.0.1",
      EDGELENS_BROKER_AUTH_FAILURES_PER_MINUTE: String(LIMIT),
    });
    secret = await f.addDevice("cam-a");
    const tcp = await startProxy(() => f.broker.mqttPort, () => header);
    const tls = await startProxy(() => f.broker.tlsPort!, () => header);
    proxies.push(tcp.server, tls.server);
    tcpProxy = tcp.port;
    tlsProxy = tls.port;
  });
  afterAll(async () => {
    await Promise.all(proxies.map((p) => new Promise((resolve) => p.close(resolve))));
    await f.close();
    removeCert();
  });

  const guess = (url: string, i: number, extra = {}) => refusalCode(url, { clientId: "cam-a", username: "cam-a", password: `bad-${i}-0123456789`, ...extra });

  it("v1 over TCP: client A's failures lock out A; a device behind the same proxy with another address still connects", async () => {
    const url = `mqtt://127.0.0.1:${tcpProxy}`;
    header = v1("203.0.113.5");
    for (let i = 0; i < LIMIT; i++) expect(await guess(url, i)).toBe(4);
    expect(await refusalCode(url, { clientId: "cam-a", username: "cam-a", password: secret })).toBe(5);
    header = v1("198.51.100.7");
    const good = await mqtt.connectAsync(url, { clientId: "cam-a", username: "cam-a", password: secret, reconnectPeriod: 0 });
    expect(good.connected).toBe(true);
    await good.endAsync();
  });

  it("v2 before the TLS handshake: the same, on the TLS listener", async () => {
    const url = `mqtts://127.0.0.1:${tlsProxy}`;
    header = v2("192.0.2.10");
    for (let i = 0; i < LIMIT; i++) expect(await guess(url, i, { ca })).toBe(4);
    expect(await refusalCode(url, { clientId: "cam-a", username: "cam-a", password: secret, ca })).toBe(5);
    header = v2("192.0.2.11");
    const good = await mqtt.connectAsync(url, { clientId: "cam-a", username: "cam-a", password: secret, ca, reconnectPeriod: 0 });
    expect(good.connected).toBe(true);
    await good.endAsync();
  });

  it("a header from an untrusted peer, or a malformed one, closes the connection unanswered", async () => {
    expect(await sendRaw(f.broker.mqttPort, v1("203.0.113.9"), "127.0.0.2")).toEqual({ closed: true, received: 0 });
    expect(await sendRaw(f.broker.tlsPort!, v2("203.0.113.9"), "127.0.0.2")).toEqual({ closed: true, received: 0 });
    expect(await sendRaw(f.broker.mqttPort, Buffer.from("PROXY TCP4 999.0.0.1 127.0.0.1 1 2\r\n"))).toEqual({ closed: true, received: 0 });
    expect(await sendRaw(f.broker.mqttPort, Buffer.from("PROXY-ish\r\n"))).toEqual({ closed: true, received: 0 });
    // Plain MQTT without a header still works (optional), and the lockout of 203.0.113.5 is not the proxy's own.
    const direct = await mqtt.connectAsync(f.url, { clientId: "cam-a", username: "cam-a", password: secret, reconnectPeriod: 0 });
    expect(direct.connected).toBe(true);
    await direct.endAsync();
  });

  it("parses v1 and v2 headers as the spec writes them", () => {
    expect(parseProxyHeader(v1("10.1.2.3"))).toEqual({ kind: "header", length: v1("10.1.2.3").length, address: "10.1.2.3" });
    expect(parseProxyHeader(Buffer.from("PROXY TCP6 2001:db8::1 ::1 5 6\r\n"))).toMatchObject({ kind: "header", address: "2001:db8::1" });
    expect(parseProxyHeader(Buffer.from("PROXY UNKNOWN\r\n"))).toEqual({ kind: "header", length: 15, address: null });
    expect(parseProxyHeader(v2("10.1.2.3"))).toEqual({ kind: "header", length: 28, address: "10.1.2.3" });
    const six = Buffer.concat([v2("0.0.0.0").subarray(0, 12), Buffer.from([0x21, 0x21, 0, 36]), Buffer.from("20010db8000000000000000000000005", "hex"), Buffer.alloc(20)]);
    expect(parseProxyHeader(six)).toEqual({ kind: "header", length: 52, address: "2001:db8::5" });
    const local = Buffer.concat([v2("0.0.0.0").subarray(0, 12), Buffer.from([0x20, 0x00, 0, 0])]);
    expect(parseProxyHeader(local)).toEqual({ kind: "header", length: 16, address: null });
    expect(parseProxyHeader(v2("10.1.2.3").subarray(0, 20))).toEqual({ kind: "incomplete" });
    expect(parseProxyHeader(Buffer.from("PROXY TCP4 10.1.2.3"))).toEqual({ kind: "incomplete" });
    expect(parseProxyHeader(Buffer.from([0x10, 0x20]))).toEqual({ kind: "none" });
    expect(parseProxyHeader(Buffer.from(`PROXY ${"x".repeat(120)}`))).toMatchObject({ kind: "invalid" });
  });
});

describe("EDGELENS_BROKER_PROXY_PROTOCOL=required", () => {
  let f: Fixture;
  let proxy: { server: Server; port: number };

  beforeAll(async () => {
    f = await startFixture({ EDGELENS_BROKER_PROXY_PROTOCOL: "required", EDGELENS_BROKER_TRUSTED_PROXIES: "127.0.0.1" });
    await f.addDevice("cam-r", "secret-of-cam-r-0123456789");
    proxy = await startProxy(() => f.broker.mqttPort, () => v2("203.0.113.20"));
  });
  afterAll(async () => {
    await new Promise((resolve) => proxy.server.close(resolve));
    await f.close();
  });

  it("serves clients through the proxy and closes every connection without a header", async () => {
    const viaProxy = await mqtt.connectAsync(`mqtt://127.0.0.1:${proxy.port}`, { clientId: "cam-r", username: "cam-r", password: "secret-of-cam-r-0123456789", reconnectPeriod: 0 });
    expect(viaProxy.connected).toBe(true);
    await viaProxy.endAsync();
    const connect = Buffer.from("101000044d5154540402003c0004636c6931", "hex");
    expect(await sendRaw(f.broker.mqttPort, connect)).toEqual({ closed: true, received: 0 });
    expect(await sendRaw(f.broker.mqttPort, Buffer.concat([v1("203.0.113.21"), connect]), "127.0.0.2")).toEqual({ closed: true, received: 0 });
  });
});
