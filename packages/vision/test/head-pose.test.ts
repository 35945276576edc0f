import { describe, expect, it } from "vitest";
import { decodeFaceMesh, estimateHeadPose, faceRegion, FACEMESH_LANDMARK_COUNT, HEAD_POSE_LANDMARKS, headPoseAxes, type MeshPoint } from "../src/head-pose/index";
import { planPlacement } from "../src/preprocess/geometry";

type Vec3 = [number, number, number];

/** A frontal head in frame coordinates (x right, y down, z into the picture): what estimateHeadPose reads. */
const FRONTAL: Record<"top" | "chin" | "pictureLeft" | "pictureRight" | "noseTip", Vec3> = {
  top: [0, -60, 10],
  chin: [0, 60, 10],
  pictureLeft: [-50, 0, 40],
  pictureRight: [50, 0, 40],
  noseTip: [0, 5, -30],
};

const rad = (deg: number): number => (deg * Math.PI) / 180;
const rotY = (a: number) => (v: Vec3): Vec3 => [Math.cos(a) * v[0] + Math.sin(a) * v[2], v[1], -Math.sin(a) * v[0] + Math.cos(a) * v[2]];
const rotX = (a: number) => (v: Vec3): Vec3 => [v[0], Math.cos(a) * v[1] - Math.sin(a) * v[2], Math.sin(a) * v[1] + Math.cos(a) * v[2]];
const rotZ = (a: number) => (v: Vec3): Vec3 => [Math.cos(a) * v[0] - Math.sin(a) * v[1], Math.sin(a) * v[0] + Math.cos(a) * v[1], v[2]];

/**
 * A 468-point mesh of the frontal head turned by known angles. The rotation is built from rotations
 * about the picture's axes, independent of the code under test: nose right = -rotY, nose up = -rotX
 * (y grows downwards), clockwise in the picture = +rotZ.
 */
function turnedMesh(yaw: number, pitch: number, roll: number, at: Vec3 = [300, 200, 0]): MeshPoint[] {
  const turn = (v: Vec3): Vec3 => rotY(rad(-yaw))(rotX(rad(-pitch))(rotZ(rad(roll))(v)));
  const mesh: MeshPoint[] = Array.from({ length: FACEMESH_LANDMARK_COUNT }, () => ({ x: at[0], y: at[1], z: at[2] }));
  for (const [name, index] of Object.entries(HEAD_POSE_LANDMARKS)) {
    const [x, y, z] = turn(FRONTAL[name as keyof typeof FRONTAL]);
    mesh[index] = { x: x + at[0], y: y + at[1], z: z + at[2] };
  }
  return mesh;
}

describe("estimateHeadPose: yaw, pitch and roll from the mesh geometry", () => {
  it("is zero for a frontal head", () => {
    const pose = estimateHeadPose(turnedMesh(0, 0, 0));
    expect([pose.yaw, pose.pitch, pose.roll]).toEqual([0, 0, 0]);
    expect(pose.axes.forward.map((v) => v + 0)).toEqual([0, 0, -1]);
  });

  it.each([
    [30, 0, 0],
    [-25, 0, 0],
    [0, 20, 0],
    [0, -15, 0],
    [0, 0, 12],
    [0, 0, -40],
    [35, -20, 10],
    [-50, 15, -25],
  ])("recovers yaw %d, pitch %d, roll %d", (yaw, pitch, roll) => {
    const pose = estimateHeadPose(turnedMesh(yaw, pitch, roll));
    expect(pose.yaw).toBeCloseTo(yaw, 0);
    expect(pose.pitch).toBeCloseTo(pitch, 0);
    expect(pose.roll).toBeCloseTo(roll, 0);
    // The signs mean what the result contract says: the nose points right for yaw > 0, up for pitch > 0.
    if (yaw !== 0) expect(Math.sign(pose.axes.forward[0])).toBe(Math.sign(yaw));
    if (pitch !== 0 && yaw === 0) expect(Math.sign(-pose.axes.forward[1])).toBe(Math.sign(pitch));
  });

  it("flips the signs of yaw and roll, and keeps pitch, for the mirror image", () => {
    const mesh = turnedMesh(28, -12, 9);
    // Mirroring swaps the picture's left and right: x -> -x, and the face's sides trade indexes.
    const mirrored = mesh.map((p) => ({ ...p, x: 640 - p.x }));
    const { pictureLeft: l, pictureRight: r } = HEAD_POSE_LANDMARKS;
    [mirrored[l], mirrored[r]] = [mirrored[r] as MeshPoint, mirrored[l] as MeshPoint];
    const a = estimateHeadPose(mesh);
    const b = estimateHeadPose(mirrored);
    expect(b.yaw).toBeCloseTo(-a.yaw, 5);
    expect(b.roll).toBeCloseTo(-a.roll, 5);
    expect(b.pitch).toBeCloseTo(a.pitch, 5);
  });

  it("draws the axes from the origin, the forward one foreshortened", () => {
    const pose = estimateHeadPose(turnedMesh(30, 0, 0));
    const [x, y, forward] = headPoseAxes(pose, { x: 100, y: 50 }, 40);
    expect(x?.to[0]).toBeCloseTo(100 + 40 * Math.cos(rad(30)), 3);
    expect(y?.to).toEqual([expect.closeTo(100, 5), expect.closeTo(90, 5)]);
    expect(forward?.to[0]).toBeCloseTo(100 + 40 * Math.sin(rad(30)), 3);
  });

  it("rejects a mesh that is too short or degenerate", () => {
    expect(() => estimateHeadPose(turnedMesh(0, 0, 0).slice(0, 100))).toThrow(/expected 468 facemesh landmarks, got 100/);
    const flat = Array.from({ length: FACEMESH_LANDMARK_COUNT }, () => ({ x: 1, y: 1, z: 1 }));
    expect(() => estimateHeadPose(flat)).toThrow(/degenerate/);
  });
});

describe("faceRegion and decodeFaceMesh", () => {
  it("squares and enlarges the box about its centre, clipped to the frame", () => {
    expect(faceRegion([100, 100, 140, 120], { width: 640, height: 480 })).toEqual({ x: 90, y: 80, width: 60, height: 60 });
    expect(faceRegion([0, 10, 40, 50], { width: 640, height: 480 })).toEqual({ x: 0, y: 0, width: 50, height: 60 });
    expect(() => faceRegion([10, 10, 5, 20], { width: 640, height: 480 })).toThrow(/x2 > x1 and y2 > y1/);
    expect(() => faceRegion([700, 10, 720, 30], { width: 640, height: 480 })).toThrow(/outside the 640x480 frame/);
  });

  it("maps the mesh from the crop to the frame, z scaled like x, and finds the outputs by shape", () => {
    const { transform } = planPlacement(640, 480, 192, 192, "letterbox", { roi: { x: 90, y: 80, width: 60, height: 60 } });
    const mesh = new Float32Array(3 * FACEMESH_LANDMARK_COUNT);
    mesh.set([96, 48, -32], 0);
    const out = decodeFaceMesh(
      { contours: { data: new Float32Array(266), dims: [1, 266] }, flag: { data: new Float32Array([0.75]), dims: [1, 1] }, mesh: { data: mesh, dims: [1, 1404] } },
      { transform },
    );
    expect(out.score).toBe(0.75);
    expect(out.landmarks).toHaveLength(FACEMESH_LANDMARK_COUNT);
    expect(out.landmarks[0]).toEqual({ x: 120, y: 95, z: -10 });
    expect(() => decodeFaceMesh({ mesh: { data: mesh, dims: [1, 1404] } }, { transform })).toThrow(/expected outputs \[1,1404\] \(mesh\) and \[1,1\] \(face flag\), got mesh \[1,1404\]/);
  });
});
