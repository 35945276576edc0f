import { EdgelensError } from "@edgelens/shared/errors";
import { toSourcePoint, type FrameTransform } from "../preprocess/frame-transform";
import { readNumbers, type TensorView } from "../postprocess/tensor-view";

/** MediaPipe face mesh: 468 landmarks of x, y, z. */
export const FACEMESH_LANDMARK_COUNT = 468;

/** A mesh landmark: x, y in source-frame pixels; z depth in the same pixel scale (smaller = nearer the camera). */
export interface MeshPoint {
  x: number;
  y: number;
  z: number;
}

export interface FaceMesh {
  /** The model's face flag, 0..1: how sure it is that the crop holds a face. */
  score: number;
  landmarks: MeshPoint[];
}

export interface FaceMeshOptions {
  /** The crop's transform (`ctx.vision.letterbox(frame, 192, 192, {roi, normalize: "unit"})`). */
  transform: FrameTransform;
}

function find(outputs: Record<string, TensorView>, width: number): [string, TensorView] {
  const hit = Object.entries(outputs).find(([, t]) => t.dims.length === 2 && t.dims[1] === width);
  if (!hit) {
    const seen = Object.entries(outputs).map(([k, t]) => `${k} [${t.dims.join(",")}]`).join(", ");
    throw new EdgelensError("INVALID_PAYLOAD", `facemesh: expected outputs [1,${3 * FACEMESH_LANDMARK_COUNT}] (mesh) and [1,1] (face flag), got ${seen}`);
  }
  return hit;
}

/**
 * facemesh's outputs (found by shape, as @vladmandic/human does: `[1,1404]` mesh in input pixels,
 * `[1,1]` face flag after its sigmoid) mapped back to the frame. z is scaled like x, so the points
 * keep the face's 3-D proportions in frame pixels.
 */
export function decodeFaceMesh(outputs: Record<string, TensorView>, options: FaceMeshOptions): FaceMesh {
  const [meshName, mesh] = find(outputs, 3 * FACEMESH_LANDMARK_COUNT);
  const [flagName, flag] = find(outputs, 1);
  const values = readNumbers(mesh, `facemesh ${meshName}`, [1, 3 * FACEMESH_LANDMARK_COUNT]);
  const score = readNumbers(flag, `facemesh ${flagName}`, [1, 1])[0] ?? 0;
  const t = options.transform;
  const landmarks: MeshPoint[] = [];
  for (let i = 0; i < FACEMESH_LANDMARK_COUNT; i++) {
    const [x, y] = toSourcePoint(t, values[3 * i] ?? 0, values[3 * i + 1] ?? 0);
    landmarks.push({ x, y, z: (values[3 * i + 2] ?? 0) / t.scaleX });
  }
  return { score, landmarks };
}
