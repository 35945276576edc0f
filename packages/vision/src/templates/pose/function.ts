import { defineProject } from "@edgelens/vision/project";

// Pose estimation: MoveNet Lightning finds the 17 body keypoints of the main person.
export default defineProject({
  models: ["pose"],
  config: {
    minPoseScore: 0.2, // poses whose mean keypoint score is lower are not reported
    keypointThreshold: 0.3, // keypoints drawn on the stream
  },

  async infer(frame, ctx) {
    // MoveNet takes a 192x192 int32 RGB image; letterboxing keeps the body's proportions.
    const { tensor, transform } = ctx.vision.letterbox(frame, 192, 192, { dtype: "int32" });
    const [keypoints] = Object.values(await ctx.models.pose.run({ input: tensor }));
    const poses = ctx.vision.decodeMoveNet(keypoints!, { transform, minScore: ctx.config.minPoseScore });

    for (const pose of poses) {
      ctx.draw.keypoints(pose.keypoints, { edges: ctx.vision.skeleton, minScore: ctx.config.keypointThreshold, color: "orange" });
    }
    return { poses, counts: { person: poses.length } };
  },
});
