/** Content-addressed artifact files (docs/design.md "Models": stored under the data folder by sha256). */
import { createHash } from "node:crypto";
import { copyFile, mkdir, rename, rm, stat, writeFile } from "node:fs/promises";
import { dirname } from "node:path";
import { eq } from "drizzle-orm";
import { artifactPath, artifacts } from "@edgelens/db";
import { Sha256Schema } from "@edgelens/shared";
import type { ServiceContext } from "../context";
import { hashFile } from "./streams";

export type ArtifactKind = "model" | "function" | "snapshot" | "upload" | "clip";

export interface StoredArtifact {
  sha256: string;
  size: number;
}

async function exists(path: string): Promise<boolean> {
  return stat(path).then(
    () => true,
    () => false,
  );
}

function record(ctx: ServiceContext, stored: StoredArtifact, kind: ArtifactKind): void {
  ctx.db.insert(artifacts).values({ sha256: stored.sha256, size: stored.size, kind }).onConflictDoNothing().run();
}

/** Copies (or moves, when `move`) a file into the store; the same bytes are stored once. `hashed`: its sha256 and size, already known. */
export async function storeArtifactFile(ctx: ServiceContext, src: string, kind: ArtifactKind, move = false, hashed?: StoredArtifact): Promise<StoredArtifact> {
  // An upload hashed on its way to disk need not be read again.
  const stored = hashed ?? (await hashFile(src));
  const dest = artifactPath(ctx.paths, stored.sha256);
  if (!(await exists(dest))) {
    await mkdir(dirname(dest), { recursive: true });
    // Write beside the target then rename, so a reader never sees a half-written artifact.
    const tmp = `${dest}.${process.pid}.tmp`;
    if (move) await rename(src, tmp).catch(() => copyFile(src, tmp));
    else await copyFile(src, tmp);
    await rename(tmp, dest);
  }
  if (move) await rm(src, { force: true });
  record(ctx, stored, kind);
  return stored;
}

export async function storeArtifactBytes(ctx: ServiceContext, bytes: Uint8Array, kind: ArtifactKind): Promise<StoredArtifact> {
  const sha256 = createHash("sha256").update(bytes).digest("hex");
  const stored = { sha256, size: bytes.byteLength };
  const dest = artifactPath(ctx.paths, sha256);
  if (!(await exists(dest))) {
    await mkdir(dirname(dest), { recursive: true });
    const tmp = `${dest}.${process.pid}.tmp`;
    await writeFile(tmp, bytes);
    await rename(tmp, dest);
  }
  record(ctx, stored, kind);
  return stored;
}

const CONTENT_TYPES: Record<ArtifactKind, string> = {
  model: "application/octet-stream",
  function: "text/javascript; charset=utf-8",
  snapshot: "image/jpeg",
  upload: "application/octet-stream",
  clip: "video/mp4",
};

/** Path, size and content type of a stored artifact, or null when the id is malformed or unknown. */
export async function findArtifactFile(ctx: ServiceContext, sha256: string): Promise<{ path: string; size: number; contentType: string } | null> {
  if (!Sha256Schema.safeParse(sha256).success) return null;
  const path = artifactPath(ctx.paths, sha256);
  const s = await stat(path).catch(() => null);
  if (!s?.isFile()) return null;
  const kind = ctx.db.select({ kind: artifacts.kind }).from(artifacts).where(eq(artifacts.sha256, sha256)).get()?.kind;
  return { path, size: s.size, contentType: CONTENT_TYPES[kind ?? "upload"] };
}

/** The URL an agent resolves against its consoleUrl (DesiredState artifacts). */
export function artifactUrl(sha256: string): string {
  return `/api/artifacts/${sha256}`;
}
