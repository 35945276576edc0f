import { defineProject } from "@edgelens/vision/project";

// Face detection: BlazeFace finds faces and six landmarks (eyes, nose, mouth, ears).
export default defineProject({
  models: ["faces"],
  config: {
    threshold: 0.5, // minimum face score
  },

  async infer(frame, ctx) {
    // BlazeFace takes 256x256 RGB in [-1, 1]; letterboxing keeps faces from being squashed.
    const { tensor, transform } = ctx.vision.letterbox(frame, 256, 256, { normalize: "symmetric" });
    const outputs = await ctx.models.faces.run({ input: tensor });
    const faces = ctx.vision.decodeBlazeFace(outputs, { transform, scoreThreshold: ctx.config.threshold });

    const detections = faces.map(({ landmarks: _landmarks, ...face }) => face);
    for (const face of faces) ctx.draw.keypoints(face.landmarks, { color: "cyan", radius: 2 });
    ctx.draw.detections(detections);
    return { detections, counts: { face: faces.length }, extra: { landmarks: faces.map((f) => f.landmarks) } };
  },
});
