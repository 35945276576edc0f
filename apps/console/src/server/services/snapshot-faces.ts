/**
 * Faces picked from event snapshots for the face gallery (docs/design.md "Face gallery"): a camera
 * already saw the person, so the People page (and `edgelens person add --snapshot`) can take the
 * face from the stored picture instead of asking for a photo. The descriptor comes from the whole
 * snapshot (the same chain as a photo: BlazeFace, the crop aligned by the eyes, faceres); the
 * person's photo is a crop around that face, its own `upload`, so pruning events never touches it.
 */
import { readFile } from "node:fs/promises";
import { desc, isNotNull, max } from "drizzle-orm";
import { events } from "@edgelens/db";
import type { Box } from "@edgelens/shared/schemas";
import { EdgelensError } from "@edgelens/shared";
import { describeFaces, type DescribedFace } from "@edgelens/vision/face-recognition";
import { cropImage, decodeImage, encodeJpeg } from "@edgelens/vision/image";
import type { ServiceContext } from "../context";
import { storeArtifactBytes } from "../storage/artifacts";
import { parsePersonName, storePersonPhotos, withFaceModels, type PersonView } from "./people";
import { findSnapshot, snapshotPath } from "./snapshots";

export interface SnapshotFace {
  /** 1-based, left to right (then top to bottom): what the page and the CLI call "face N". */
  face: number;
  box: Box;
  score: number;
}

export interface SnapshotFaces {
  sha256: string;
  url: string;
  width: number;
  height: number;
  faces: SnapshotFace[];
}

export interface FaceSnapshotChoice {
  sha256: string;
  url: string;
  deviceId: string | null;
  ruleName: string;
  /** The newest event that stored this picture (identical frames share one snapshot). */
  ts: number;
}

/** A face cut with this much room around it (of the box's larger side) reads as a portrait. */
const CROP_MARGIN = 0.35;

/** The newest distinct event snapshots, newest first: what the People page offers to pick faces from. */
export function listFaceSnapshots(ctx: ServiceContext, limit = 12): FaceSnapshotChoice[] {
  const rows = ctx.db
    .select({ sha256: events.snapshotSha256, ts: max(events.ts), deviceId: events.deviceId, ruleName: events.ruleName })
    .from(events)
    .where(isNotNull(events.snapshotSha256))
    .groupBy(events.snapshotSha256)
    .orderBy(desc(max(events.ts)))
    .limit(limit)
    .all();
  return rows.map((r) => ({ sha256: r.sha256!, url: snapshotPath(r.sha256!), deviceId: r.deviceId, ruleName: r.ruleName, ts: r.ts ?? 0 }));
}

/** Faces in reading order, so that "face 2" names the same face on the page, in the CLI and here. */
function inReadingOrder(faces: DescribedFace[]): DescribedFace[] {
  return [...faces].sort((a, b) => a.detection.box[0] - b.detection.box[0] || a.detection.box[1] - b.detection.box[1]);
}

async function describeSnapshot(ctx: ServiceContext, sha256: string) {
  const file = await findSnapshot(ctx, sha256);
  const frame = await decodeImage(new Uint8Array(await readFile(file.path))).catch((error: Error) => {
    throw new EdgelensError("INVALID_PAYLOAD", `snapshot ${sha256}: not a picture (${error.message})`, { sha256 });
  });
  const faces = inReadingOrder(await withFaceModels((models) => describeFaces(frame, models)));
  return { frame, faces };
}

/** The faces BlazeFace finds in a stored snapshot. NOT_FOUND when it is not a stored snapshot. */
export async function findSnapshotFaces(ctx: ServiceContext, sha256: string): Promise<SnapshotFaces> {
  const { frame, faces } = await describeSnapshot(ctx, sha256);
  return {
    sha256,
    url: snapshotPath(sha256),
    width: frame.width,
    height: frame.height,
    faces: faces.map((f, i) => ({ face: i + 1, box: f.detection.box.map((v) => Math.round(v)) as Box, score: Number(f.detection.score.toFixed(3)) })),
  };
}

/**
 * Adds face `face` (1-based, see findSnapshotFaces) of a snapshot to a person, created on first
 * use; without a number the snapshot must show exactly one face (a wrong person in the gallery is
 * worse than a question). INVALID_PAYLOAD (`field: "face"`, `faces`: the count) otherwise.
 */
export async function addPersonFromSnapshot(ctx: ServiceContext, rawName: string, sha256: string, face: number | undefined): Promise<PersonView> {
  const name = parsePersonName(rawName);
  const { frame, faces } = await describeSnapshot(ctx, sha256);
  if (face === undefined && faces.length !== 1) {
    throw new EdgelensError("INVALID_PAYLOAD", `snapshot ${sha256.slice(0, 12)} has ${faces.length} faces: say which`, { sha256, faces: faces.length, field: "face" });
  }
  const number = face ?? 1;
  const picked = Number.isInteger(number) && number >= 1 ? faces[number - 1] : undefined;
  if (!picked) {
    const has = faces.length === 0 ? "no face found" : `${faces.length} face${faces.length === 1 ? "" : "s"} (1-${faces.length})`;
    throw new EdgelensError("INVALID_PAYLOAD", `snapshot ${sha256.slice(0, 12)}: ${has}, there is no face ${number}`, { sha256, face: number, faces: faces.length, field: "face" });
  }
  const portrait = await encodeJpeg(cropImage(frame, picked.detection.box, CROP_MARGIN), { quality: 90 });
  const stored = await storeArtifactBytes(ctx, portrait, "upload");
  return storePersonPhotos(ctx, name, [{ fileName: `snapshot-${sha256.slice(0, 12)}-face-${number}.jpg`, sha256: stored.sha256, descriptor: Array.from(picked.descriptor) }]);
}
