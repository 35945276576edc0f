import type { Box, Detection } from "@edgelens/shared/schemas";
import { EdgelensError } from "@edgelens/shared/errors";
import { boxIou } from "../postprocess/nms";

export interface TrackerOptions {
  /** A detection continues a track when their IoU reaches this. Default 0.3. */
  iouThreshold?: number;
  /** Frames a track survives without a match. Default 30. */
  maxAge?: number;
  /** Matches before a track's id is reported (filters one-frame flickers). Default 3. */
  minHits?: number;
  /** Only detections of the track's class continue it. Default true. */
  classAware?: boolean;
}

export interface TrackState {
  id: number;
  box: Box;
  classId: number;
  label: string;
  /** Frames matched so far. */
  hits: number;
  /** Frames since the last match (0 = matched this frame). */
  misses: number;
  /** Per-frame displacement of the box, used to predict where it is next. */
  velocity: [number, number];
}

export interface Tracker {
  /** Feeds one frame's detections; returns them in the same order, confirmed ones with `trackId`. */
  update(detections: readonly Detection[]): Detection[];
  /** The live tracks (confirmed or not). */
  readonly tracks: readonly TrackState[];
  reset(): void;
}

function predicted(t: TrackState): Box {
  const k = t.misses + 1;
  const dx = t.velocity[0] * k;
  const dy = t.velocity[1] * k;
  return [t.box[0] + dx, t.box[1] + dy, t.box[2] + dx, t.box[3] + dy];
}

/**
 * A greedy IoU tracker (in the spirit of Bochinski et al. 2017, "High-Speed Tracking-by-Detection
 * Without Using Image Information", with SORT's max-age / min-hits rules and a constant-velocity
 * prediction instead of a Kalman filter). Pure computation: no clock, one call per frame.
 */
export function createTracker(options: TrackerOptions = {}): Tracker {
  const iouThreshold = options.iouThreshold ?? 0.3;
  const maxAge = options.maxAge ?? 30;
  const minHits = options.minHits ?? 3;
  const classAware = options.classAware ?? true;
  if (!(iouThreshold > 0 && iouThreshold <= 1) || !(maxAge >= 0) || !(minHits >= 1)) {
    throw new EdgelensError("INVALID_CONFIG", `tracker: iouThreshold must be in (0,1], maxAge >= 0, minHits >= 1 (got ${iouThreshold}, ${maxAge}, ${minHits})`);
  }
  let tracks: TrackState[] = [];
  let nextId = 1;

  function update(detections: readonly Detection[]): Detection[] {
    const pairs: { iou: number; t: number; d: number }[] = [];
    tracks.forEach((track, t) => {
      const guess = predicted(track);
      detections.forEach((det, d) => {
        if (classAware && det.classId !== track.classId) return;
        const iou = Math.max(boxIou(guess, det.box), boxIou(track.box, det.box));
        if (iou >= iouThreshold) pairs.push({ iou, t, d });
      });
    });
    pairs.sort((a, b) => b.iou - a.iou);
    const trackOf = new Array<TrackState | undefined>(detections.length);
    const matched = new Set<number>();
    for (const p of pairs) {
      if (matched.has(p.t) || trackOf[p.d]) continue;
      matched.add(p.t);
      const track = tracks[p.t] as TrackState;
      const det = detections[p.d] as Detection;
      const frames = track.misses + 1;
      track.velocity = [(det.box[0] + det.box[2] - track.box[0] - track.box[2]) / 2 / frames, (det.box[1] + det.box[3] - track.box[1] - track.box[3]) / 2 / frames];
      track.box = [...det.box];
      track.hits++;
      track.misses = 0;
      trackOf[p.d] = track;
    }
    tracks = tracks.filter((track, t) => matched.has(t) || ++track.misses <= maxAge);
    detections.forEach((det, d) => {
      if (trackOf[d]) return;
      const track: TrackState = { id: nextId++, box: [...det.box], classId: det.classId, label: det.label, hits: 1, misses: 0, velocity: [0, 0] };
      tracks.push(track);
      trackOf[d] = track;
    });
    return detections.map((det, d) => {
      const track = trackOf[d] as TrackState;
      const { trackId: _drop, ...rest } = det;
      return track.hits >= minHits ? { ...rest, trackId: track.id } : rest;
    });
  }

  return {
    update,
    get tracks() {
      return tracks;
    },
    reset() {
      tracks = [];
      nextId = 1;
    },
  };
}
