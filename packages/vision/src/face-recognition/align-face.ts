import { EdgelensError } from "@edgelens/shared/errors";
import type { RgbImage } from "../image/rgb-image";
import { warpQuad, type Quad } from "../preprocess/perspective-crop";

/** What alignment reads of a BlazeFace detection: its named landmarks, in frame pixels. */
export interface FaceLandmarks {
  landmarks: readonly { name: string; x: number; y: number }[];
}

export interface AlignFaceOptions {
  /** Output side in pixels (faceres: 224). */
  size?: number;
  /**
   * Crop side as a multiple of the eye-line-to-mouth distance. 3.2 keeps forehead and chin, the
   * framing human gives faceres (its face crop is the mesh box, enlarged).
   */
  scale?: number;
}

export interface AlignedFace {
  image: RgbImage;
  /** The crop's corners in the frame (top-left, top-right, bottom-right, bottom-left). */
  quad: Quad;
  /** Roll of the eye line in degrees, clockwise in the picture (what alignment undid). */
  roll: number;
}

function landmark(face: FaceLandmarks, name: string): { x: number; y: number } {
  const p = face.landmarks.find((l) => l.name === name);
  if (!p || !Number.isFinite(p.x) || !Number.isFinite(p.y)) {
    throw new EdgelensError("INVALID_PAYLOAD", `alignFace: the face has no "${name}" landmark (a BlazeFace detection has right_eye, left_eye, mouth_center)`, { landmark: name });
  }
  return p;
}

/**
 * The face cut out square and upright: rotated so the eye line is level (the subject's right eye,
 * BlazeFace's `right_eye`, on the picture's left), centred halfway between the eye line and the
 * mouth, scaled by the eye-to-mouth distance, which unlike the eye distance barely changes when the
 * head turns sideways. A descriptor of a tilted face then matches the same face upright.
 */
export function alignFace(frame: RgbImage, face: FaceLandmarks, options: AlignFaceOptions = {}): AlignedFace {
  const size = options.size ?? 224;
  const scale = options.scale ?? 3.2;
  const right = landmark(face, "right_eye");
  const left = landmark(face, "left_eye");
  const mouth = landmark(face, "mouth_center");
  const ex = left.x - right.x;
  const ey = left.y - right.y;
  const eyes = Math.hypot(ex, ey);
  if (eyes < 1e-6) throw new EdgelensError("INVALID_PAYLOAD", "alignFace: both eyes at one point", {});
  // u along the eye line, v perpendicular to it, pointing down the face (towards the mouth).
  const u = [ex / eyes, ey / eyes] as const;
  const v = [-u[1], u[0]] as const;
  const mid = [(right.x + left.x) / 2, (right.y + left.y) / 2] as const;
  const down = (mouth.x - mid[0]) * v[0] + (mouth.y - mid[1]) * v[1];
  // A face seen almost from the side has its mouth near the eye line: fall back on the eye distance.
  const span = Math.max(down, eyes * 0.8);
  const centre = [mid[0] + v[0] * span * 0.3, mid[1] + v[1] * span * 0.3] as const;
  const half = (span * scale) / 2;
  const corner = (a: number, b: number): readonly [number, number] => [centre[0] + (u[0] * a + v[0] * b) * half, centre[1] + (u[1] * a + v[1] * b) * half];
  const quad: Quad = [corner(-1, -1), corner(1, -1), corner(1, 1), corner(-1, 1)];
  return { image: warpQuad(frame, quad, size, size), quad, roll: (Math.atan2(ey, ex) * 180) / Math.PI };
}
