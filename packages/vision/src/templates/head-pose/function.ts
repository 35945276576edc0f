import { defineProject } from "@edgelens/vision/project";

// Head pose: BlazeFace finds faces, facemesh puts 468 3-D landmarks on each, and the landmarks'
// geometry gives yaw, pitch and roll in degrees (the DeepLens head-pose sample).
const AXIS_COLORS = { x: "red", y: "lime", forward: "blue" } as const;

export default defineProject({
  models: ["faces", "mesh"],
  config: {
    threshold: 0.5, // minimum BlazeFace score
    minMeshScore: 0.5, // minimum facemesh face flag: drops detections that are not faces seen from the front (the back of a head)
    maxFaces: 5, // faces measured per frame, best first (facemesh runs once per face)
  },

  async infer(frame, ctx) {
    // BlazeFace takes 256x256 RGB in [-1, 1]; letterboxing keeps faces from being squashed.
    const { tensor, transform } = ctx.vision.letterbox(frame, 256, 256, { normalize: "symmetric" });
    const found = ctx.vision.decodeBlazeFace(await ctx.models.faces.run({ input: tensor }), { transform, scoreThreshold: ctx.config.threshold });

    const faces = [];
    for (const face of found.slice(0, ctx.config.maxFaces)) {
      // facemesh wants the whole head centred in a 192x192 RGB crop in [0, 1].
      const roi = ctx.vision.faceRegion(face.box, frame);
      const crop = ctx.vision.letterbox(frame, 192, 192, { roi, normalize: "unit" });
      const mesh = ctx.vision.decodeFaceMesh(await ctx.models.mesh.run({ input_1: crop.tensor }), { transform: crop.transform });
      if (mesh.score < ctx.config.minMeshScore) continue;
      const pose = ctx.vision.estimateHeadPose(mesh.landmarks);
      faces.push({ box: face.box, yaw: pose.yaw, pitch: pose.pitch, roll: pose.roll });

      // The head's axes from the nose tip, as long as the face is wide: red across, green down, blue where it looks.
      const nose = mesh.landmarks[ctx.vision.headPoseLandmarks.noseTip]!;
      for (const axis of ctx.vision.headPoseAxes(pose, nose, face.box[2] - face.box[0])) {
        ctx.draw.line(axis.from, axis.to, { color: AXIS_COLORS[axis.axis], lineWidth: 2 });
      }
      // A short caption: faces are often small, and a long one would cover the picture.
      ctx.draw.box(face.box, { color: "yellow", label: `y${pose.yaw.toFixed(0)} p${pose.pitch.toFixed(0)} r${pose.roll.toFixed(0)}` });
    }
    return { faces, counts: { face: faces.length } };
  },
});
