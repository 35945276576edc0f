import { defineProject } from "@edgelens/vision/project";

// Text reading (PP-OCR): the detector finds the text lines, each is cut out level along its
// rotated rectangle, the direction classifier turns upside-down ones, the recognizer reads them.
export default defineProject({
  models: ["text", "direction", "reader"],
  config: {
    timeoutMs: 30_000, // the frame timeout: a page of text is read line by line, seconds on a small CPU
    maxSide: 960, // the frame is scaled so that its longer side is at most this
    threshold: 0.3, // probability above which a pixel is text
    boxThreshold: 0.6, // mean probability a region needs to count
    unclipRatio: 1.5, // how far the found text kernels are grown back
    flipThreshold: 0.9, // a line is turned 180 degrees when the classifier is this sure, on average
    minScore: 0.5, // lines read with a lower mean character probability are dropped
    pattern: "", // a regular expression: only strings it matches are kept ("" keeps all)
    lineBatch: 6, // lines per recognizer run
  },

  setup(ctx) {
    // Why here: a bad pattern fails the deployment's load (INVALID_CONFIG), not every frame.
    ctx.vision.createTextFilter(ctx.config.pattern);
  },

  async infer(frame, ctx) {
    const keep = ctx.vision.createTextFilter(ctx.config.pattern);
    // Detection as in text-detection: NCHW, sides multiples of 32, BGR with ImageNet mean/std.
    const size = ctx.vision.fitInputSize(frame.width, frame.height, ctx.config.maxSide, 32);
    const { tensor, transform } = ctx.vision.resize(frame, size.width, size.height, { layout: "nchw", normalize: "imagenet", channelOrder: "bgr" });
    const [probability] = Object.values(await ctx.models.text.run({ x: tensor }));
    const regions = ctx.vision.decodeDbText(probability!, {
      transform,
      threshold: ctx.config.threshold,
      boxThreshold: ctx.config.boxThreshold,
      unclipRatio: ctx.config.unclipRatio,
    });
    if (regions.length === 0) return { texts: [], counts: { text: 0 } };

    // Each line level (perspective-corrected), then upright. The classifier was trained on 48x192
    // crops: a long line is judged by its 1:4 pieces, on their mean probability of being upside down.
    let lines = regions.map((r) => ctx.vision.cropTextLine(frame, r.polygon ?? []));
    const tiles = lines.map((line) => ctx.vision.splitTextLine(line, 4));
    const [directions] = Object.values(await ctx.models.direction.run({ x: ctx.vision.textLinesToTensor(tiles.flat(), { width: 192 }) }));
    const upsideDown = ctx.vision.decodeTextDirection(directions!).map((d) => (d.angle === 180 ? d.score : 1 - d.score));
    let next = 0;
    const flipped = tiles.map((pieces) => {
      const p = upsideDown.slice(next, (next += pieces.length));
      return p.reduce((a, b) => a + b, 0) / p.length >= ctx.config.flipThreshold;
    });
    lines = lines.map((line, i) => (flipped[i] ? ctx.vision.rotateImage(line, 2) : line));

    // Recognition in batches of lines of similar length, so that little of each batch is padding.
    const order = lines.map((_, i) => i).sort((a, b) => lines[a]!.width / lines[a]!.height - lines[b]!.width / lines[b]!.height);
    const read: { text: string; score: number }[] = new Array(lines.length);
    const batchSize = Math.max(1, Math.floor(ctx.config.lineBatch) || 1);
    for (let start = 0; start < order.length; start += batchSize) {
      const batch = order.slice(start, start + batchSize);
      const [classes] = Object.values(await ctx.models.reader.run({ x: ctx.vision.textLinesToTensor(batch.map((i) => lines[i]!)) }));
      ctx.vision.decodeCtc(classes!, { characters: ctx.vision.labels.ppocr }).forEach((r, k) => (read[batch[k]!] = r));
    }

    const texts = regions
      // An upside-down line's polygon starts at its text's own top-left (the picture's bottom-right).
      .map((r, i) => ({ box: r.box, polygon: flipped[i] ? [...r.polygon!.slice(2), ...r.polygon!.slice(0, 2)] : r.polygon, text: read[i]!.text.trim(), score: read[i]!.score }))
      .filter((t) => t.text.length > 0 && t.score >= ctx.config.minScore && keep(t.text));
    for (const t of texts) {
      ctx.draw.polygon(t.polygon ?? [], { color: "lime" });
      ctx.draw.text([t.box[0], Math.max(0, t.box[1] - 18)], t.text, { color: "lime", size: 16 });
    }
    return { texts, counts: { text: texts.length } };
  },
});

