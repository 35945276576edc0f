import type { Detection, Pose, TextRegion } from "@edgelens/shared/schemas";
import type { RgbImage } from "../image/rgb-image";
import { COCO_SKELETON } from "../postprocess/decode-movenet";
import { measureText, drawText } from "./bitmap-font";
import { colorForIndex, type Rgb } from "./color";
import { drawLine, fillCircle, strokePolygon, strokeRect } from "./raster";

const WHITE: Rgb = [255, 255, 255];

export interface DrawStyle {
  /** One colour for everything; default: a colour per track id, else per class. */
  color?: Rgb;
  thickness?: number;
  /** Text scale (5x8 glyphs times this). Default 2. */
  textScale?: number;
}

/** A caption on a filled tab above (x, y), or just below it when the top edge has no room. */
export function drawCaption(img: RgbImage, x: number, y: number, text: string, color: Rgb, textScale = 2): void {
  const { height } = measureText(text, textScale);
  const top = y - height >= 0 ? y - height : y + 1;
  drawText(img, x + textScale, top + textScale, text, WHITE, { scale: textScale, background: color });
}

/** Boxes captioned `#track label score`, in place. */
export function drawDetections(img: RgbImage, detections: readonly Detection[], style: DrawStyle = {}): void {
  for (const d of detections) {
    const color = style.color ?? colorForIndex(d.trackId ?? d.classId);
    strokeRect(img, d.box, color, style.thickness ?? 2);
    const caption = `${d.trackId !== undefined ? `#${d.trackId} ` : ""}${d.label} ${d.score.toFixed(2)}`;
    drawCaption(img, d.box[0], d.box[1], caption, color, style.textScale ?? 2);
  }
}

export interface PoseStyle extends DrawStyle {
  /** Keypoints scoring below this are not drawn. Default 0.3. */
  minScore?: number;
  /** Pairs of keypoint indexes to join. Default COCO_SKELETON. */
  edges?: readonly (readonly [number, number])[];
  radius?: number;
}

/** Skeleton lines and keypoint dots, in place. */
export function drawPoses(img: RgbImage, poses: readonly Pose[], style: PoseStyle = {}): void {
  const minScore = style.minScore ?? 0.3;
  poses.forEach((pose, p) => {
    const color = style.color ?? colorForIndex(p);
    const kps = pose.keypoints;
    for (const [a, b] of style.edges ?? COCO_SKELETON) {
      const ka = kps[a];
      const kb = kps[b];
      if (ka && kb && ka.score >= minScore && kb.score >= minScore) drawLine(img, ka.x, ka.y, kb.x, kb.y, color, style.thickness ?? 2);
    }
    for (const k of kps) if (k.score >= minScore) fillCircle(img, k.x, k.y, style.radius ?? 3, WHITE);
  });
}

/** Text regions as their polygons (or boxes), in place. */
export function drawTextRegions(img: RgbImage, texts: readonly TextRegion[], style: DrawStyle = {}): void {
  const color = style.color ?? ([0, 220, 0] as Rgb);
  for (const t of texts) {
    if (t.polygon && t.polygon.length >= 2) strokePolygon(img, t.polygon, color, style.thickness ?? 2);
    else strokeRect(img, t.box, color, style.thickness ?? 2);
    if (t.text) drawCaption(img, t.box[0], t.box[1], t.text, color, style.textScale ?? 2);
  }
}
