import { EdgelensError } from "@edgelens/shared/errors";
import type { FaceGallery } from "@edgelens/shared/schemas";

/**
 * Default match threshold on unit descriptors: measured (templates/face-recognition/README.md) the
 * same face lands at 0.2-0.8, different people at 1.2 and above.
 */
export const FACE_MATCH_THRESHOLD = 0.9;

/** Euclidean distance of two descriptors of the same length (unit-length ones: 0 same, up to 2). */
export function descriptorDistance(a: ArrayLike<number>, b: ArrayLike<number>): number {
  if (a.length !== b.length) throw new EdgelensError("INVALID_PAYLOAD", `descriptor lengths differ: ${a.length} and ${b.length}`, {});
  let sum = 0;
  for (let i = 0; i < a.length; i++) {
    const d = a[i]! - b[i]!;
    sum += d * d;
  }
  return Math.sqrt(sum);
}

/** INVALID_CONFIG (field `matchThreshold`) unless a positive distance: a function's setup calls it so a bad config fails the load. */
export function validateMatchThreshold(threshold: unknown): void {
  if (typeof threshold !== "number" || !(threshold > 0)) {
    throw new EdgelensError("INVALID_CONFIG", `matchThreshold must be a positive descriptor distance, got ${JSON.stringify(threshold)}`, { field: "matchThreshold" });
  }
}

export interface GalleryMatch {
  /** The nearest person when within the threshold, else null (an unknown face). */
  name: string | null;
  /** Distance to the nearest descriptor of anyone in the gallery (Infinity for an empty gallery). */
  distance: number;
  /** The nearest person whatever the threshold (null for an empty gallery). */
  nearest: string | null;
}

/**
 * The person whose closest photo is nearest to `descriptor`. Nearest photo rather than a mean per
 * person: a gallery mixes lighting and angles, and one matching photo is the better evidence.
 */
export function matchGallery(descriptor: ArrayLike<number>, gallery: Pick<FaceGallery, "people">, threshold: number): GalleryMatch {
  validateMatchThreshold(threshold);
  let best = Number.POSITIVE_INFINITY;
  let nearest: string | null = null;
  for (const person of gallery.people) {
    for (const known of person.descriptors) {
      const d = descriptorDistance(descriptor, known);
      if (d < best) {
        best = d;
        nearest = person.name;
      }
    }
  }
  return { name: best <= threshold ? nearest : null, distance: best, nearest };
}
