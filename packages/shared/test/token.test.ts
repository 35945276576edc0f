import { describe, expect, it } from "vitest";
import { signConsoleToken, verifyConsoleToken } from "../src/token";

const claims = { sub: "admin@example.com", role: "admin" as const, iat: 1000, exp: 2000 };

describe("console tokens", () => {
  it("round-trips claims with the right secret before expiry", async () => {
    const token = await signConsoleToken(claims, "s3cret");
    expect(await verifyConsoleToken(token, "s3cret", 1500)).toEqual({ ok: true, claims });
  });
  it("refuses a wrong secret, a tampered body, expiry and garbage", async () => {
    const token = await signConsoleToken(claims, "s3cret");
    expect(await verifyConsoleToken(token, "other", 1500)).toEqual({ ok: false, reason: "bad-signature" });
    const [, mac] = token.split(".");
    const body = btoa(JSON.stringify({ ...claims, sub: "x" })).replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");
    const forged = `${body}.${mac}`;
    expect(await verifyConsoleToken(forged, "s3cret", 1500)).toEqual({ ok: false, reason: "bad-signature" });
    expect(await verifyConsoleToken(token, "s3cret", 2000)).toEqual({ ok: false, reason: "expired" });
    expect(await verifyConsoleToken("not-a-token", "s3cret", 1500)).toEqual({ ok: false, reason: "malformed" });
  });
});
