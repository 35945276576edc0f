import { defineProject, type ZoneCounter } from "@edgelens/vision/project";

let zoneCounter: ZoneCounter;

// Object detection: CenterNet finds the 80 COCO classes (people, vehicles, animals, food, ...).
export default defineProject({
  models: ["detector"],
  config: {
    threshold: 0.3, // CenterNet's true detections score about 0.3-0.7
    iouThreshold: 0.5, // overlap above which a weaker box of the same class is dropped
    classes: [] as string[], // report only these labels, e.g. ["person", "car"]; empty: all
    // Named areas, points as fractions of the frame: [{name: "door", points: [[x, y], ...]}].
    // Results count the objects in each by label (a box is in a zone when its bottom centre is).
    zones: [] as { name: string; points: [number, number][] }[],
  },

  setup(ctx) {
    zoneCounter = ctx.vision.createZoneCounter({ zones: ctx.config.zones, anchor: "bottom" });
  },

  async infer(frame, ctx) {
    // CenterNet takes 512x512 RGB 0..255; boxes come back in frame pixels via `transform`.
    const { tensor, transform } = ctx.vision.resize(frame, 512, 512);
    const outputs = await ctx.models.detector.run({ "tower_0/images": tensor });
    let detections = ctx.vision.decodeCenterNet(outputs["tower_0/detections"]!, {
      labels: ctx.vision.labels.coco,
      transform,
      scoreThreshold: ctx.config.threshold,
      iouThreshold: ctx.config.iouThreshold,
    });
    const wanted = ctx.config.classes;
    if (wanted.length > 0) detections = detections.filter((d) => wanted.includes(d.label));

    const { zones } = zoneCounter.update(detections, frame);
    ctx.draw.zones(zoneCounter.zones, frame, { counts: zones });
    ctx.draw.detections(detections);
    return { detections, counts: ctx.vision.countLabels(detections), ...(zoneCounter.zones.length > 0 ? { zones } : {}) };
  },
});
