import { defineProject } from "@edgelens/vision/project";

// Text detection: PP-OCR's detector marks where text is (the regions, not the words).
export default defineProject({
  models: ["text"],
  config: {
    maxSide: 960, // the frame is scaled so that its longer side is at most this
    threshold: 0.3, // probability above which a pixel is text
    boxThreshold: 0.6, // mean probability a region needs to count
    unclipRatio: 1.5, // how far the found text kernels are grown back
  },

  async infer(frame, ctx) {
    // PP-OCR takes NCHW, sides multiples of 32, BGR with ImageNet mean/std (it was trained with OpenCV).
    const size = ctx.vision.fitInputSize(frame.width, frame.height, ctx.config.maxSide, 32);
    const { tensor, transform } = ctx.vision.resize(frame, size.width, size.height, { layout: "nchw", normalize: "imagenet", channelOrder: "bgr" });
    const [probability] = Object.values(await ctx.models.text.run({ x: tensor }));
    const texts = ctx.vision.decodeDbText(probability!, {
      transform,
      threshold: ctx.config.threshold,
      boxThreshold: ctx.config.boxThreshold,
      unclipRatio: ctx.config.unclipRatio,
    });

    for (const t of texts) ctx.draw.polygon(t.polygon ?? [], { color: "lime" });
    return { texts, counts: { text: texts.length } };
  },
});
