import { defineProject } from "@edgelens/vision/project";

// Hot dog or not hot dog: the COCO detector knows the class "hot dog"; the best one decides.
export default defineProject({
  models: ["detector"],
  config: {
    threshold: 0.3, // a "hot dog" detection at least this sure makes the frame a hot dog
  },

  async infer(frame, ctx) {
    const { tensor, transform } = ctx.vision.resize(frame, 512, 512);
    const outputs = await ctx.models.detector.run({ "tower_0/images": tensor });
    // A low threshold here so that even a weak hot dog shows how sure the "not" is.
    const hotdogs = ctx.vision
      .decodeCenterNet(outputs["tower_0/detections"]!, { labels: ctx.vision.labels.coco, transform, scoreThreshold: 0.05 })
      .filter((d) => d.label === "hot dog");
    const best = hotdogs[0]?.score ?? 0;
    const isHotdog = best >= ctx.config.threshold;

    const verdict = isHotdog ? { label: "hot dog", score: best } : { label: "not hot dog", score: 1 - best };
    const shown = hotdogs.filter((d) => d.score >= ctx.config.threshold);
    ctx.draw.detections(shown);
    ctx.draw.text([8, 8], verdict.label.toUpperCase(), { color: isHotdog ? "lime" : "red", size: 32 });
    return { labels: [verdict], detections: shown };
  },
});
