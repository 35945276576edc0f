import { mkdtempSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { artifactPath, dataPaths, digestToken, generateSecret, hashSecret, loadOrCreateSecret, verifySecret } from "../src/index";

describe("secrets", () => {
  it("hashes with scrypt and verifies only the right secret", async () => {
    const secret = generateSecret();
    const stored = await hashSecret(secret);
    expect(stored).toMatch(/^scrypt\$16384\$8\$1\$/);
    expect(stored).not.toContain(secret);
    expect(await verifySecret(secret, stored)).toBe(true);
    expect(await verifySecret(`${secret}x`, stored)).toBe(false);
    expect(await verifySecret(secret, "garbage")).toBe(false);
  });

  it("salts: the same secret hashes differently twice", async () => {
    expect(await hashSecret("same")).not.toBe(await hashSecret("same"));
  });

  it("digests tokens deterministically", () => {
    expect(digestToken("abc")).toBe("ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
  });
});

describe("data dir", () => {
  it("generates the console secret once and keeps it private", () => {
    const dir = mkdtempSync(join(tmpdir(), "edgelens-data-"));
    try {
      const paths = dataPaths(dir);
      const first = loadOrCreateSecret(paths);
      expect(first.length).toBeGreaterThanOrEqual(40);
      expect(loadOrCreateSecret(paths)).toBe(first);
      expect(statSync(paths.secretFile).mode & 0o077).toBe(0);
      expect(loadOrCreateSecret(paths, "configured")).toBe("configured");
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it("fans artifacts out by the first two hex digits", () => {
    const sha = "ab" + "0".repeat(62);
    expect(artifactPath(dataPaths("/d"), sha)).toBe(`/d/artifacts/ab/${sha}`);
  });
});
