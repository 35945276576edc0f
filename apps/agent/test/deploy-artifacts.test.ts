import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { randomBytes } from "node:crypto";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { ArtifactCache } from "../src/deploy/artifact-cache";
import { ArtifactDownloader } from "../src/deploy/artifact-downloader";
import { fetchArtifacts } from "../src/deploy/fetch-artifacts";
import { sha256Of, startArtifactServer, type ArtifactServer } from "./support/artifact-server";
import { makeTempDir } from "./support/temp-dir";

const creds = { deviceId: "cam-test-1", secret: "s3cret-s3cret-s3cret" };

describe("artifact download and cache", () => {
  let server: ArtifactServer;
  let dir: ReturnType<typeof makeTempDir>;
  let cache: ArtifactCache;
  const downloader = (secret = creds.secret): ArtifactDownloader =>
    new ArtifactDownloader(cache, { deviceId: creds.deviceId, secret, consoleUrl: server.url }, { attempts: 3, retryDelayMs: 10, stallTimeoutMs: 5000 });

  beforeAll(async () => {
    server = await startArtifactServer(creds);
  });
  afterAll(async () => {
    await server.close();
  });
  beforeEach(() => {
    dir?.remove();
    dir = makeTempDir("cache");
    cache = new ArtifactCache(join(dir.path, "cache"));
    server.requests.length = 0;
  });

  it("downloads with the bearer credentials, verifies, and a second fetch downloads nothing", async () => {
    const bytes = randomBytes(300_000);
    const a = server.add(bytes);
    const pcts: number[] = [];
    let verifying = 0;
    const first = await fetchArtifacts(downloader(), [a], { onProgress: (pct) => pcts.push(pct), onVerifying: () => verifying++ });
    const path = first.paths.get(a.sha256)!;
    expect(readFileSync(path).equals(bytes)).toBe(true);
    expect(path).toBe(cache.pathOf(a.sha256));
    expect(first.downloadedBytes).toBe(bytes.length);
    expect(pcts[0]).toBe(0);
    expect(pcts.at(-1)).toBe(100);
    expect(verifying).toBe(1);
    expect(server.requests).toEqual([{ sha256: a.sha256, range: null, status: 200 }]);

    const second = await fetchArtifacts(downloader(), [a]);
    expect(second.downloadedBytes).toBe(0);
    expect(second.cachedCount).toBe(1);
    expect(server.requests).toHaveLength(1);
  });

  it("resumes an interrupted download with a Range request", async () => {
    const bytes = randomBytes(2_000_000);
    const a = server.add(bytes);
    server.cutNext(a.sha256, 700_000);
    const retries: string[] = [];
    const got = await fetchArtifacts(downloader(), [a], { onRetry: (_a, _n, reason) => retries.push(reason) });
    expect(readFileSync(got.paths.get(a.sha256)!).equals(bytes)).toBe(true);
    expect(retries).toHaveLength(1);
    const ranged = server.requests.filter((r) => r.range !== null);
    expect(ranged).toHaveLength(1);
    expect(ranged[0]!.status).toBe(206);
    const resumedAt = Number(/bytes=(\d+)-/.exec(ranged[0]!.range!)?.[1]);
    expect(resumedAt).toBeGreaterThan(0);
    expect(resumedAt).toBeLessThanOrEqual(700_000);
    expect(got.downloadedBytes).toBe(bytes.length);
  });

  it("resumes a partial file left by an earlier run", async () => {
    const bytes = randomBytes(500_000);
    const a = server.add(bytes);
    server.cutNext(a.sha256, 200_000);
    const once = new ArtifactDownloader(cache, { ...creds, consoleUrl: server.url }, { attempts: 1, retryDelayMs: 10, stallTimeoutMs: 5000 });
    await expect(once.download(a)).rejects.toMatchObject({ code: "DOWNLOAD_FAILED" });
    expect(await cache.partialSize(a.sha256)).toBeGreaterThan(0);
    const got = await fetchArtifacts(downloader(), [a]);
    expect(readFileSync(got.paths.get(a.sha256)!).equals(bytes)).toBe(true);
    expect(server.requests.at(-1)).toMatchObject({ status: 206 });
  });

  it("rejects a file whose hash does not match and keeps nothing of it", async () => {
    const bytes = randomBytes(10_000);
    const a = server.addMislabelled(bytes, sha256Of("something else"));
    await expect(fetchArtifacts(downloader(), [a])).rejects.toMatchObject({ code: "CHECKSUM_MISMATCH" });
    expect(await cache.has(a.sha256)).toBe(false);
    expect(await cache.partialSize(a.sha256)).toBe(0);
  });

  it("rejects a file larger than declared", async () => {
    const bytes = randomBytes(10_000);
    const a = server.addMislabelled(bytes, sha256Of(bytes), 5_000);
    await expect(fetchArtifacts(downloader(), [a])).rejects.toMatchObject({ code: "CHECKSUM_MISMATCH" });
    expect(await cache.partialSize(a.sha256)).toBe(0);
  });

  it("names bad credentials and unknown artifacts without retrying them", async () => {
    const a = server.add(randomBytes(100));
    await expect(fetchArtifacts(downloader("wrong-secret-wrong-secret"), [a])).rejects.toMatchObject({ code: "UNAUTHORIZED" });
    const missing = { sha256: sha256Of("never stored"), size: 12, url: `/api/artifacts/${sha256Of("never stored")}` };
    await expect(fetchArtifacts(downloader(), [missing])).rejects.toMatchObject({ code: "NOT_FOUND" });
    expect(server.requests.map((r) => r.status)).toEqual([401, 404]);
  });

  it("keeps the artifacts it is told to keep when pruning", async () => {
    const a = server.add(randomBytes(1000));
    const b = server.add(randomBytes(1000));
    await fetchArtifacts(downloader(), [a, b]);
    expect(await cache.prune(new Set([a.sha256]), 100_000)).toBe(0);
    expect(await cache.prune(new Set([a.sha256]), 1500)).toBe(1000);
    expect(await cache.has(a.sha256)).toBe(true);
    expect(await cache.has(b.sha256)).toBe(false);
  });
});
