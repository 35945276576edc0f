import { describe, expect, it } from "vitest";
import { EMPTY_WEBHOOK_ALLOW, parseWebhookAllow, webhookAddressAllowed, webhookUrlProblem } from "../src/net/webhook-policy";
import { parseCidr, parseIp } from "../src/net/ip-address";

describe("webhook target policy (shared by console and broker)", () => {
  it("parses IPv4, IPv6, mapped and bracketed addresses, and refuses names", () => {
    expect(parseIp("127.0.0.1")).toEqual(parseIp("::ffff:127.0.0.1"));
    expect(parseIp("::ffff:7f00:1")).toEqual(parseIp("127.0.0.1"));
    expect(parseIp("[::1]")).toEqual(parseIp("0:0:0:0:0:0:0:1"));
    expect(parseIp("fe80::1%eth0")).not.toBeNull();
    for (const bad of ["example.com", "1.2.3", "256.1.1.1", "1:2:3", "::1::2", "12345::"]) expect(parseIp(bad)).toBeNull();
    expect(parseCidr("10.0.0.0/33")).toBeNull();
  });

  it("refuses loopback, private, link-local, shared and reserved addresses; allows public ones", () => {
    const refused = ["127.0.0.1", "127.9.9.9", "0.0.0.0", "10.1.2.3", "172.16.0.1", "172.31.255.255", "192.168.1.1", "169.254.169.254", "100.64.0.1", "::1", "::", "fd00::1", "fe80::1", "::ffff:127.0.0.1", "::ffff:a9fe:a9fe", "224.0.0.1", "255.255.255.255"];
    for (const ip of refused) expect(webhookAddressAllowed(ip, EMPTY_WEBHOOK_ALLOW), ip).toBe(false);
    for (const ip of ["93.184.216.34", "172.32.0.1", "8.8.8.8", "2606:4700::1111"]) expect(webhookAddressAllowed(ip, EMPTY_WEBHOOK_ALLOW), ip).toBe(true);
  });

  it("lets the operator allow hosts and CIDRs, and names a bad entry", () => {
    const allow = parseWebhookAllow(" hooks.lan , 10.20.0.0/16,::1 ");
    expect(webhookAddressAllowed("10.20.3.4", allow)).toBe(true);
    expect(webhookAddressAllowed("10.21.3.4", allow)).toBe(false);
    expect(webhookAddressAllowed("::1", allow)).toBe(true);
    expect(webhookUrlProblem("http://hooks.lan:8080/x", allow)).toBeNull();
    expect(() => parseWebhookAllow("10.0.0.0/99")).toThrow(/EDGELENS_WEBHOOK_ALLOW: 10.0.0.0\/99/);
  });

  it("checks a URL's scheme, address literal and local names before any DNS", () => {
    expect(webhookUrlProblem("http://127.0.0.1:3000/api/v1/users", EMPTY_WEBHOOK_ALLOW)).toMatch(/refused by policy/);
    expect(webhookUrlProblem("http://[::1]:9883/metrics", EMPTY_WEBHOOK_ALLOW)).toMatch(/refused by policy/);
    expect(webhookUrlProblem("http://localhost:9883/metrics", EMPTY_WEBHOOK_ALLOW)).toMatch(/refused by policy/);
    expect(webhookUrlProblem("http://api.localhost/", EMPTY_WEBHOOK_ALLOW)).toMatch(/refused by policy/);
    expect(webhookUrlProblem("file:///etc/passwd", EMPTY_WEBHOOK_ALLOW)).toMatch(/refused by policy/);
    expect(webhookUrlProblem("https://hooks.example.com/x", EMPTY_WEBHOOK_ALLOW)).toBeNull();
  });
});
