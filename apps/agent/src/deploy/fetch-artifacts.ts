import { isEdgelensError } from "@edgelens/shared/errors";
import type { Artifact } from "@edgelens/shared/schemas";
import type { ArtifactDownloader } from "./artifact-downloader";

export interface FetchArtifactsOptions {
  signal?: AbortSignal;
  /** Percent of all bytes present (cached and resumed ones count as done), with the byte counts. */
  onProgress?: (pct: number, doneBytes: number, totalBytes: number) => void;
  /** Once, when every download finished and the checks begin. */
  onVerifying?: () => void;
  onRetry?: (artifact: Artifact, attempt: number, reason: string) => void;
}

export interface FetchedArtifacts {
  /** sha256 -> verified file in the cache. */
  paths: Map<string, string>;
  /** Bytes that came over the network in this call. */
  downloadedBytes: number;
  cachedCount: number;
}

/** Per downloader, the fetch under way: fetches run one after the other (see fetchArtifacts). */
const queues = new WeakMap<ArtifactDownloader, Promise<unknown>>();

/**
 * Downloads every artifact not yet cached (one at a time: a device link is rarely faster in
 * parallel), then verifies them all. The split gives the deployment its `downloading` then
 * `verifying` steps. Calls for several projects (their lanes run side by side) take turns: two
 * projects needing the same artifact (one template on two cameras) would otherwise write its
 * partial file together and fail renaming it (ENOENT); the second finds it cached.
 */
export function fetchArtifacts(downloader: ArtifactDownloader, artifacts: Artifact[], opts: FetchArtifactsOptions = {}): Promise<FetchedArtifacts> {
  const run = (queues.get(downloader) ?? Promise.resolve()).then(() => fetchNow(downloader, artifacts, opts));
  queues.set(downloader, run.catch(() => undefined));
  return run;
}

async function fetchNow(downloader: ArtifactDownloader, artifacts: Artifact[], opts: FetchArtifactsOptions): Promise<FetchedArtifacts> {
  const cached = new Set<string>();
  const resumed = new Set<string>();
  const total = artifacts.reduce((n, a) => n + a.size, 0);
  let done = 0;
  for (const a of artifacts) {
    if (await downloader.isCached(a)) {
      cached.add(a.sha256);
      done += a.size;
      continue;
    }
    const have = await downloader.cache.partialSize(a.sha256);
    if (have > 0) resumed.add(a.sha256);
    done += Math.min(have, a.size);
  }
  let downloadedBytes = 0;
  // A server that answers a range request with the whole file makes `done` count bytes twice.
  const report = (): void => opts.onProgress?.(total === 0 ? 100 : Math.min(100, (done / total) * 100), Math.min(done, total), total);
  report();
  const fetchOne = (a: Artifact): Promise<void> =>
    downloader.download(a, {
      ...(opts.signal ? { signal: opts.signal } : {}),
      onBytes: (n) => {
        done += n;
        downloadedBytes += n;
        report();
      },
      onRetry: (attempt, reason) => opts.onRetry?.(a, attempt, reason),
    });
  for (const a of artifacts) if (!cached.has(a.sha256)) await fetchOne(a);
  opts.onVerifying?.();
  const paths = new Map<string, string>();
  for (const a of artifacts) {
    try {
      paths.set(a.sha256, await downloader.verify(a));
    } catch (err) {
      // A stale partial from an older run can fail the check: one clean download, then final.
      if (!resumed.has(a.sha256) || !isEdgelensError(err) || err.code !== "CHECKSUM_MISMATCH") throw err;
      resumed.delete(a.sha256);
      opts.onRetry?.(a, 1, `${err.message}; downloading again from the start`);
      await fetchOne(a);
      paths.set(a.sha256, await downloader.verify(a));
    }
  }
  return { paths, downloadedBytes, cachedCount: cached.size };
}
