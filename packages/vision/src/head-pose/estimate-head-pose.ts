import { EdgelensError } from "@edgelens/shared/errors";
import { FACEMESH_LANDMARK_COUNT, type MeshPoint } from "./decode-facemesh";

type Vec3 = [number, number, number];

/** Mesh landmarks the axes are built from, and the nose tip to draw them at (MediaPipe's face mesh numbering). */
export const HEAD_POSE_LANDMARKS = { top: 10, chin: 152, pictureLeft: 234, pictureRight: 454, noseTip: 1 } as const;

export interface HeadPose {
  /** Degrees; positive when the face turns to the picture's right (the nose points right). */
  yaw: number;
  /** Degrees; positive when the face tilts up (the nose points up). */
  pitch: number;
  /** Degrees; positive when the head leans clockwise in the picture (its picture-right side lower). */
  roll: number;
  /**
   * The head's axes in frame coordinates (x right, y down, z into the picture), unit vectors:
   * across the face to the picture's right, down the face to the chin, and the way the face looks.
   */
  axes: { x: Vec3; y: Vec3; forward: Vec3 };
}

const sub = (a: MeshPoint, b: MeshPoint): Vec3 => [a.x - b.x, a.y - b.y, a.z - b.z];
const cross = (a: Vec3, b: Vec3): Vec3 => [a[1] * b[2] - a[2] * b[1], a[2] * b[0] - a[0] * b[2], a[0] * b[1] - a[1] * b[0]];

function unit(v: Vec3, what: string): Vec3 {
  const n = Math.hypot(v[0], v[1], v[2]);
  if (!(n > 1e-9)) throw new EdgelensError("INVALID_PAYLOAD", `estimateHeadPose: the mesh is degenerate (${what} has no length)`);
  return [v[0] / n, v[1] / n, v[2] / n];
}

// One decimal is below what facemesh resolves; `|| 0` turns -0 into 0 for the JSON result.
const degrees = (rad: number): number => Math.round(((rad * 180) / Math.PI) * 10) / 10 || 0;

/**
 * Yaw, pitch and roll from facemesh's 3-D landmarks by landmark geometry, the method of
 * @vladmandic/human's `calculateFaceAngle` (src/face/angles.ts, MIT): the head's vertical axis runs
 * forehead top (10) -> chin (152), its horizontal axis between the face's sides (234 -> 454); their
 * cross product is the third axis, and the horizontal one is re-made perpendicular. The columns of
 * R = [x y z] are then split into Euler angles in the order R = Ry(yaw') Rx(pitch') Rz(roll')
 * (D. Eberly, "Euler Angle Formulas", geometrictools.com, the YXZ factorisation), with signs chosen
 * for the picture: +yaw nose to the right, +pitch nose up, +roll clockwise.
 */
export function estimateHeadPose(landmarks: readonly MeshPoint[]): HeadPose {
  if (landmarks.length < FACEMESH_LANDMARK_COUNT) {
    throw new EdgelensError("INVALID_PAYLOAD", `estimateHeadPose: expected ${FACEMESH_LANDMARK_COUNT} facemesh landmarks, got ${landmarks.length}`);
  }
  const at = (i: number): MeshPoint => landmarks[i] as MeshPoint;
  const L = HEAD_POSE_LANDMARKS;
  const y = unit(sub(at(L.chin), at(L.top)), "forehead to chin");
  const z = unit(cross(unit(sub(at(L.pictureRight), at(L.pictureLeft)), "face width"), y), "face normal");
  const x = cross(y, z);
  // R's columns are x, y, z: R02 = z.x, R12 = z.y, R22 = z.z, R10 = x.y, R11 = y.y.
  const yawRad = Math.atan2(z[0], z[2]);
  const pitchRad = Math.asin(Math.max(-1, Math.min(1, -z[1])));
  const rollRad = Math.atan2(x[1], y[1]);
  return {
    // z points from the face into the picture, so a nose turned right means z.x < 0.
    yaw: degrees(-yawRad),
    // Rx(b) with b > 0 tips the nose down (y grows downwards).
    pitch: degrees(-pitchRad),
    roll: degrees(rollRad),
    axes: { x, y, forward: [-z[0], -z[1], -z[2]] },
  };
}

export interface AxisSegment {
  axis: "x" | "y" | "forward";
  from: [number, number];
  to: [number, number];
}

/**
 * The head's three axes as picture segments from `origin` (e.g. the nose tip), each `length`
 * pixels long in 3-D and projected orthographically: the forward axis shrinks to a point when the
 * face looks straight at the camera and grows as it turns.
 */
export function headPoseAxes(pose: HeadPose, origin: { x: number; y: number }, length: number): AxisSegment[] {
  return (["x", "y", "forward"] as const).map((axis) => {
    const v = pose.axes[axis];
    return { axis, from: [origin.x, origin.y], to: [origin.x + v[0] * length, origin.y + v[1] * length] };
  });
}
