import { open } from "node:fs/promises";
import { EdgelensError, isEdgelensError } from "@edgelens/shared/errors";
import type { Artifact } from "@edgelens/shared/schemas";
import { ArtifactCache, hashFile } from "./artifact-cache";

const WRITE_BATCH_BYTES = 1 << 20;

export interface DeviceCredentials {
  deviceId: string;
  secret: string;
  /** Base of relative artifact URLs (`/api/artifacts/<sha>`). */
  consoleUrl: string;
}

export interface DownloaderOptions {
  /** Attempts per artifact for network and server errors; each resumes where the last stopped. */
  attempts: number;
  retryDelayMs: number;
  /** Abort a request that delivers no byte for this long. */
  stallTimeoutMs: number;
}

export interface FetchOneOptions {
  signal?: AbortSignal;
  /** Bytes received over the network since the last call. */
  onBytes?: (bytes: number) => void;
  /** Told before each retry, with the reason. */
  onRetry?: (attempt: number, reason: string) => void;
}

/**
 * Downloads an artifact into the cache with the device's bearer credentials, resuming an
 * interrupted file with an HTTP Range request (RFC 9110 section 14), then checks size and
 * sha256 before the file may be used.
 */
export class ArtifactDownloader {
  constructor(
    readonly cache: ArtifactCache,
    private readonly creds: DeviceCredentials,
    private readonly options: DownloaderOptions,
  ) {}

  /**
   * The artifact's absolute URL, which must be on the console origin the device was registered
   * with: the bearer carries the device secret, and `shadow/desired` is not trusted to say where
   * it may go (a leaked admin MQTT token could otherwise point it at any server).
   */
  resolveUrl(url: string): string {
    const console = new URL(this.creds.consoleUrl);
    let resolved: URL;
    try {
      resolved = new URL(url, console);
    } catch {
      throw new EdgelensError("FORBIDDEN", `artifact url ${JSON.stringify(url)} is not a URL`, { deviceId: this.creds.deviceId });
    }
    if (resolved.origin !== console.origin) {
      throw new EdgelensError(
        "FORBIDDEN",
        `refused artifact url ${resolved.origin}: the device sends its credentials only to its console ${console.origin}`,
        { deviceId: this.creds.deviceId },
      );
    }
    return resolved.toString();
  }

  /** Whether the verified file is already cached (then nothing is downloaded). */
  isCached(artifact: Artifact): Promise<boolean> {
    return this.cache.has(artifact.sha256, artifact.size);
  }

  /**
   * Brings the artifact's bytes into its partial file, resuming what an earlier attempt or run
   * left, retrying network and server errors. Nothing is checked yet: see {@link verify}.
   */
  async download(artifact: Artifact, opts: FetchOneOptions = {}): Promise<void> {
    if (await this.isCached(artifact)) return;
    await this.cache.ensureDirs(artifact.sha256);
    for (let attempt = 1; ; attempt++) {
      try {
        await this.downloadOnce(artifact, opts);
        const size = await this.cache.partialSize(artifact.sha256);
        if (size < artifact.size) throw new RetryableError(`download ended at ${size} of ${artifact.size} bytes`);
        return;
      } catch (err) {
        if (opts.signal?.aborted) throw err;
        if (!isRetryable(err) || attempt >= this.options.attempts) throw wrap(err, artifact);
        opts.onRetry?.(attempt, describe(err));
        await sleep(this.options.retryDelayMs * attempt, opts.signal);
      }
    }
  }

  /** Checks size and sha256 of the downloaded file and moves it into the cache. */
  async verify(artifact: Artifact): Promise<string> {
    if (await this.isCached(artifact)) return this.cache.pathOf(artifact.sha256);
    const size = await this.cache.partialSize(artifact.sha256);
    if (size !== artifact.size) {
      await this.cache.discardPartial(artifact.sha256);
      throw new EdgelensError("CHECKSUM_MISMATCH", `artifact ${artifact.sha256}: got ${size} bytes, expected ${artifact.size}`);
    }
    const actual = await hashFile(this.cache.partialPathOf(artifact.sha256));
    if (actual !== artifact.sha256) {
      await this.cache.discardPartial(artifact.sha256);
      throw new EdgelensError("CHECKSUM_MISMATCH", `artifact sha256 mismatch: expected ${artifact.sha256}, got ${actual} (${artifact.url})`);
    }
    return this.cache.commit(artifact.sha256);
  }

  private async downloadOnce(artifact: Artifact, opts: FetchOneOptions): Promise<void> {
    const url = this.resolveUrl(artifact.url);
    let have = await this.cache.partialSize(artifact.sha256);
    if (have > artifact.size) {
      await this.cache.discardPartial(artifact.sha256);
      have = 0;
    }
    if (have === artifact.size) return;
    const stall = new AbortController();
    const signal = opts.signal ? AbortSignal.any([opts.signal, stall.signal]) : stall.signal;
    let timer = setTimeout(() => stall.abort(new Error(`no data for ${this.options.stallTimeoutMs} ms`)), this.options.stallTimeoutMs);
    const armStall = (): void => {
      clearTimeout(timer);
      timer = setTimeout(() => stall.abort(new Error(`no data for ${this.options.stallTimeoutMs} ms`)), this.options.stallTimeoutMs);
    };
    try {
      const headers: Record<string, string> = { authorization: `Bearer ${this.creds.deviceId}:${this.creds.secret}` };
      if (have > 0) headers.range = `bytes=${have}-`;
      // A redirect would carry the bearer to wherever the console (or whoever answers) says.
      const res = await fetch(url, { headers, signal, redirect: "error" });
      if (res.status === 416) {
        await res.body?.cancel();
        await this.cache.discardPartial(artifact.sha256);
        throw new RetryableError(`server refused range bytes=${have}- (416)`);
      }
      if (res.status === 401 || res.status === 403) {
        await res.body?.cancel();
        throw new EdgelensError("UNAUTHORIZED", `artifact server refused the device credentials (${res.status}) for ${url}`, { deviceId: this.creds.deviceId });
      }
      if (res.status === 404) {
        await res.body?.cancel();
        throw new EdgelensError("NOT_FOUND", `artifact ${artifact.sha256} not found at ${url}`, { deviceId: this.creds.deviceId });
      }
      if (res.status !== 200 && res.status !== 206) {
        await res.body?.cancel();
        throw new RetryableError(`artifact server answered ${res.status} for ${url}`);
      }
      if (!res.body) throw new RetryableError(`artifact server sent no body for ${url}`);
      let offset = 0;
      if (res.status === 206) {
        offset = parseContentRangeStart(res.headers.get("content-range"));
        if (offset !== have) throw new RetryableError(`server resumed at ${offset}, expected ${have}`);
      }
      // Written in batches of about 1 MB (few event-loop turns per file), and whatever arrived
      // before a cut is flushed in `finally`, so a resume starts right after it.
      const fh = await open(this.cache.partialPathOf(artifact.sha256), offset > 0 ? "a" : "w");
      const pending: Uint8Array[] = [];
      let pendingBytes = 0;
      const flush = async (): Promise<void> => {
        if (pendingBytes === 0) return;
        const batch = Buffer.concat(pending, pendingBytes);
        pending.length = 0;
        pendingBytes = 0;
        await fh.write(batch);
      };
      try {
        let received = offset;
        for await (const chunk of res.body as AsyncIterable<Uint8Array>) {
          armStall();
          if (received + chunk.length > artifact.size) {
            throw new EdgelensError("CHECKSUM_MISMATCH", `artifact ${artifact.sha256} is larger than its declared ${artifact.size} bytes`);
          }
          received += chunk.length;
          pending.push(chunk);
          pendingBytes += chunk.length;
          if (pendingBytes >= WRITE_BATCH_BYTES) await flush();
          opts.onBytes?.(chunk.length);
        }
      } finally {
        try {
          await flush();
        } finally {
          await fh.close();
        }
      }
    } catch (err) {
      if (stall.signal.aborted && !opts.signal?.aborted) throw new RetryableError(describe(stall.signal.reason));
      if (isEdgelensError(err) && err.code === "CHECKSUM_MISMATCH") await this.cache.discardPartial(artifact.sha256);
      throw err;
    } finally {
      clearTimeout(timer);
    }
  }
}

class RetryableError extends Error {}

function isRetryable(err: unknown): boolean {
  if (err instanceof RetryableError) return true;
  if (isEdgelensError(err)) return false;
  // fetch() network failures (refused, reset) arrive as TypeError("fetch failed").
  return err instanceof TypeError || (err instanceof Error && /ECONNRESET|ECONNREFUSED|EPIPE|terminated|aborted/i.test(err.message));
}

function wrap(err: unknown, artifact: Artifact): EdgelensError {
  if (isEdgelensError(err)) return err;
  return new EdgelensError("DOWNLOAD_FAILED", `download of ${artifact.sha256} failed: ${describe(err)}`, {}, { cause: err });
}

function describe(err: unknown): string {
  if (err instanceof Error) {
    const cause = (err as { cause?: unknown }).cause;
    return cause instanceof Error ? `${err.message} (${cause.message})` : err.message;
  }
  return String(err);
}

function parseContentRangeStart(header: string | null): number {
  const m = header ? /^bytes (\d+)-\d+\/(\d+|\*)$/.exec(header.trim()) : null;
  if (!m?.[1]) throw new RetryableError(`bad Content-Range ${JSON.stringify(header)}`);
  return Number(m[1]);
}

function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    const t = setTimeout(resolve, ms);
    signal?.addEventListener("abort", () => {
      clearTimeout(t);
      reject(signal.reason);
    }, { once: true });
  });
}
