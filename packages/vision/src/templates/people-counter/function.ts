import { defineProject, type LineCounter, type Tracker, type ZoneCounter } from "@edgelens/vision/project";

// People counter: how many people are in view, and how many different people crossed a line
// (e.g. a doorway). A tracker gives each person an id that lasts across frames.
let tracker: Tracker;
let counter: LineCounter;
let zoneCounter: ZoneCounter;

export default defineProject({
  models: ["detector"],
  config: {
    threshold: 0.3,
    // The counting line as fractions of the frame, [[x1, y1], [x2, y2]]: here across the middle.
    // Crossing it downwards (left to right of the line's direction) counts as "entered".
    line: [
      [0, 0.5],
      [1, 0.5],
    ] as [[number, number], [number, number]],
    // Named areas, points as fractions of the frame: [{name: "door", points: [[x, y], ...]}].
    // Results count the people standing in each (by their feet) and how long each has been there.
    zones: [] as { name: string; points: [number, number][] }[],
  },

  setup(ctx) {
    tracker = ctx.vision.createTracker({ iouThreshold: 0.3, maxAge: 15, minHits: 2 });
    counter = ctx.vision.createLineCounter({ line: ctx.config.line, normalized: true, anchor: "bottom" });
    zoneCounter = ctx.vision.createZoneCounter({ zones: ctx.config.zones, anchor: "bottom" });
  },

  async infer(frame, ctx) {
    const { tensor, transform } = ctx.vision.resize(frame, 512, 512);
    const outputs = await ctx.models.detector.run({ "tower_0/images": tensor });
    const people = ctx.vision
      .decodeCenterNet(outputs["tower_0/detections"]!, { labels: ctx.vision.labels.coco, transform, scoreThreshold: ctx.config.threshold })
      .filter((d) => d.label === "person");

    const { detections: tracked, zones } = zoneCounter.update(tracker.update(people), frame);
    const crossings = counter.update(tracked, frame);
    const { forward, backward, total } = counter.counts();

    const [from, to] = counter.linePixels(frame);
    ctx.draw.line(from, to, { color: "yellow", lineWidth: 3 });
    ctx.draw.zones(zoneCounter.zones, frame, { counts: zones });
    ctx.draw.detections(tracked);
    ctx.draw.text([8, 8], `people ${people.length}  crossed ${total}`, { color: "yellow", size: 24 });

    return {
      detections: tracked,
      counts: { person: people.length },
      ...(zoneCounter.zones.length > 0 ? { zones } : {}),
      extra: { crossed: total, entered: forward, left: backward, inside: Math.max(0, forward - backward), crossings },
    };
  },
});
