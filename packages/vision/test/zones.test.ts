import { execFileSync } from "node:child_process";
import { FunctionOutputSchema, type Detection } from "@edgelens/shared";
import { EdgelensError } from "@edgelens/shared/errors";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createRgbImage } from "../src/image/index";
import { visionHelpers } from "../src/index";
import { mediaPath } from "../src/media/index";
import { ensureSampleModels, getSampleModel } from "../src/models/index";
import { createOrtModelRunner, type ModelRunner } from "../src/onnx/index";
import { renderDrawOps } from "../src/overlay/index";
import { compileProjectFunction, createDrawRecorder, createProjectInstance, loadProjectModule } from "../src/project/index";
import { getTemplate } from "../src/templates/index";
import { createTracker } from "../src/tracker/index";
import { anchorPoint, boxInZone, createZoneCounter, pointInPolygon, validateZones, type Zone } from "../src/zones/index";
import { pixelAt } from "./vision-fixtures";

const frame = { width: 200, height: 100 };
const LEFT: Zone = { name: "left", points: [[0, 0], [0.5, 0], [0.5, 1], [0, 1]] };
const DOOR: Zone = { name: "door", points: [[0.6, 0.2], [0.9, 0.2], [0.9, 0.9], [0.6, 0.9]] };
/** A 10x20 px box whose bottom centre is at (cx, bottom). */
const feet = (cx: number, bottom: number, extra: Partial<Detection> = {}): Detection => ({ label: "person", classId: 0, score: 0.9, box: [cx - 5, bottom - 20, cx + 5, bottom], ...extra });

function zoneError(value: unknown): EdgelensError {
  try {
    validateZones(value);
  } catch (error) {
    if (error instanceof EdgelensError) return error;
    throw error;
  }
  throw new Error(`validateZones accepted ${JSON.stringify(value)}`);
}

describe("point in zone", () => {
  it("tests polygons by ray casting, a point on an edge inside", () => {
    const l = [[0, 0], [1, 0], [1, 1], [0.5, 0.3], [0, 1]] as [number, number][]; // a concave notch from the bottom
    expect(pointInPolygon([0.2, 0.2], l)).toBe(true);
    expect(pointInPolygon([0.5, 0.8], l)).toBe(false); // in the notch
    expect(pointInPolygon([0.5, 0.2], l)).toBe(true);
    expect(pointInPolygon([1.2, 0.5], l)).toBe(false);
    expect(pointInPolygon([1, 0.5], l)).toBe(true); // on the right edge
    expect(pointInPolygon([0.5, 1], LEFT.points)).toBe(true); // on the frame's bottom border
  });

  it("picks the bottom centre or the centre of a box", () => {
    expect(anchorPoint([10, 20, 30, 60])).toEqual([20, 60]);
    expect(anchorPoint([10, 20, 30, 60], "center")).toEqual([20, 40]);
    // Feet in the door zone, centre above it.
    const box = [130, 0, 150, 30];
    expect(boxInZone(box, DOOR, frame)).toBe(true);
    expect(boxInZone(box, DOOR, frame, "center")).toBe(false);
  });
});

describe("zone counter", () => {
  it("counts detections per zone and label, tracked or not", () => {
    const counter = createZoneCounter({ zones: [LEFT, DOOR] });
    const dog = { ...feet(150, 80), label: "dog", classId: 16 };
    const out = counter.update([feet(20, 50), feet(80, 99), feet(140, 50), dog, feet(180, 99)], { ...frame, ts: 0 });
    expect(out.zones).toEqual({ left: { person: 2 }, door: { person: 1, dog: 1 } });
    expect(out.detections.every((d) => d.dwell === undefined)).toBe(true); // untracked: no dwell
    expect(counter.update([], { ...frame, ts: 1 }).zones).toEqual({ left: {}, door: {} });
  });

  it("times how long each tracked object stays in a zone (loitering), with the tracker", () => {
    const tracker = createTracker({ minHits: 1 });
    const counter = createZoneCounter({ zones: [DOOR], graceMs: 500 });
    const dwell: (number | undefined)[] = [];
    // 1 frame/s: a 40 px wide box walks right along y = 80 (px): x 110 (outside), 125..155 (inside, 4 frames), out at 190.
    for (const [t, x] of [110, 125, 135, 145, 155, 190].entries()) {
      const wide = { ...feet(x, 80), box: [x - 20, 40, x + 20, 80] as Detection["box"] };
      const { detections } = counter.update(tracker.update([wide]), { ...frame, ts: 10_000 + t * 1000 });
      dwell.push(detections[0]?.dwell?.door);
    }
    expect(dwell).toEqual([undefined, 0, 1, 2, 3, undefined]);
  });

  it("keeps the dwell through a short gap in detections and restarts it after a long one", () => {
    const counter = createZoneCounter({ zones: [DOOR], graceMs: 1500 });
    const at = (ts: number) => counter.update([feet(140, 80, { trackId: 7 })], { ...frame, ts }).detections[0]?.dwell;
    expect(at(0)).toEqual({ door: 0 });
    expect(at(1000)).toEqual({ door: 1 });
    counter.update([], { ...frame, ts: 2000 });
    expect(at(2400)).toEqual({ door: 2.4 }); // missed one frame: same stay
    counter.update([], { ...frame, ts: 5000 });
    expect(at(6000)).toEqual({ door: 0 }); // gone for 3.6 s: a new stay
  });
});

describe("zone validation", () => {
  it("accepts simple polygons and an absent list", () => {
    expect(validateZones([LEFT, DOOR])).toEqual([LEFT, DOOR]);
    expect(validateZones(undefined)).toEqual([]);
    // A concave polygon and a point exactly on the border are fine.
    expect(validateZones([{ name: "l", points: [[0, 0], [1, 0], [1, 1], [0.5, 0.3], [0, 1]] }])).toHaveLength(1);
  });

  it.each([
    ["a self-intersecting bow tie", [{ name: "bow", points: [[0, 0], [1, 1], [1, 0], [0, 1]] }], /zone "bow": edges 1 and 3 cross \(the polygon intersects itself\)/],
    ["fewer than 3 points", [{ name: "door", points: [[0, 0], [1, 1]] }], /zone "door": a polygon needs at least 3 points, got 2/],
    ["a point outside 0..1", [{ name: "door", points: [[0, 0], [640, 0], [0.5, 1]] }], /zone "door": point 2 \[640,0\] is outside 0\.\.1 of the frame/],
    ["a name used twice", [LEFT, { ...DOOR, name: "left" }], /zone "left": the name is used twice/],
    ["an empty name", [{ name: " ", points: LEFT.points }], /zone 1 needs a name of 1 to 64 characters/],
    ["a repeated point", [{ name: "dup", points: [[0, 0], [0, 0], [1, 0], [1, 1]] }], /zone "dup": points 1 and 2 are the same/],
    ["edges folding back", [{ name: "fold", points: [[0, 0], [1, 0], [0.5, 0], [0.5, 1]] }], /zone "fold": edges 1 and 2 overlap/],
    ["collinear points", [{ name: "flat", points: [[0, 0], [0.5, 0.5], [1, 1]] }], /zone "flat": (the polygon has no area|edges)/],
    ["not a list", { door: [] }, /config\.zones: must be an array/],
    ["points that are not pairs", [{ name: "door", points: [[0, 0, 0], [1, 0], [1, 1]] }], /zone "door": zone 1 must be \{"name": string, "points": \[\[x, y\], \.\.\.\]\}/],
  ])("refuses %s with INVALID_CONFIG naming the zone", (_what, zones, message) => {
    const error = zoneError(zones);
    expect(error.code).toBe("INVALID_CONFIG");
    expect(error.message).toMatch(message);
  });

  it("fails a project's load when its config has a bad zone, naming the project and the zone", async () => {
    const definition = { infer: () => null };
    const load = createProjectInstance({ projectId: "p1", definition, models: {}, config: { zones: [{ name: "bow", points: [[0, 0], [1, 1], [1, 0], [0, 1]] }] }, vision: visionHelpers, log: () => undefined });
    await expect(load).rejects.toMatchObject({ code: "INVALID_CONFIG", context: { projectId: "p1", zone: "bow" }, message: expect.stringMatching(/zone "bow"/) });
  });
});

describe("zones drawn on the stream", () => {
  it("outlines each zone in frame pixels with its name and count", () => {
    const recorder = createDrawRecorder();
    recorder.api.zones([DOOR], frame, { counts: { door: { person: 2, dog: 1 } } });
    const ops = recorder.take();
    expect(ops).toEqual([
      { kind: "polygon", points: [[120, 20], [180, 20], [180, 90], [120, 90]], closed: true, color: expect.any(String) },
      { kind: "text", at: [124, 24], text: "door 3", size: 16, color: expect.any(String) },
    ]);
    const img = createRgbImage(frame.width, frame.height);
    renderDrawOps(img, ops);
    const stroke = pixelAt(img, 150, 20);
    expect(stroke).not.toEqual([0, 0, 0]); // the top edge
    expect(pixelAt(img, 180, 60)).toEqual(stroke); // the right edge, same colour
    expect(pixelAt(img, 150, 60)).toEqual([0, 0, 0]); // inside stays untouched
    expect(pixelAt(img, 60, 60)).toEqual([0, 0, 0]); // outside too
  });
});

describe("templates with zones on real video", () => {
  const runners: ModelRunner[] = [];
  const W = 768;
  const H = 576;
  let frames: Uint8Array[] = [];

  beforeAll(async () => {
    await ensureSampleModels();
    // Four frames 2 s apart of the pedestrian clip, decoded by ffmpeg as the agent does.
    const raw = execFileSync("ffmpeg", ["-v", "error", "-i", mediaPath("vtest.avi"), "-vf", "fps=0.5", "-frames:v", "4", "-f", "rawvideo", "-pix_fmt", "rgb24", "pipe:1"], { maxBuffer: 64 << 20 });
    frames = [0, 1, 2, 3].map((i) => new Uint8Array(raw.buffer, raw.byteOffset + i * W * H * 3, W * H * 3));
  });

  afterAll(async () => {
    await Promise.all(runners.map((r) => r.dispose()));
  });

  it.each(["object-detection", "people-counter"])("%s reports per-zone counts that match its detections' feet", async (name) => {
    const t = getTemplate(name);
    const runner = await createOrtModelRunner(getSampleModel("centernet").path, { name: "detector", threads: 2 });
    runners.push(runner);
    const { code } = await compileProjectFunction(t.functionSource, { filename: t.functionPath });
    const zones = [
      { name: "left", points: [[0, 0], [0.5, 0], [0.5, 1], [0, 1]] },
      { name: "bottom", points: [[0, 0.6], [1, 0.6], [1, 1], [0, 1]] },
    ];
    const instance = await createProjectInstance({ projectId: name, definition: await loadProjectModule({ code }), models: { detector: runner }, config: { ...t.defaultConfig, zones }, vision: visionHelpers, log: () => undefined });
    let seen = 0;
    for (const [i, data] of frames.entries()) {
      const outcome = await instance.infer({ data, width: W, height: H, seq: i, ts: i * 2000 });
      const out = FunctionOutputSchema.parse(outcome.output);
      const people = (out.detections ?? []).filter((d) => d.label === "person");
      seen += people.length;
      // The oracle: plain rectangle tests on the bottom centre of each box.
      const inLeft = people.filter((d) => (d.box[0] + d.box[2]) / 2 <= W / 2).length;
      const inBottom = people.filter((d) => d.box[3] >= 0.6 * H).length;
      expect(out.zones?.left?.person ?? 0).toBe(inLeft);
      expect(out.zones?.bottom?.person ?? 0).toBe(inBottom);
      expect(outcome.overlay.filter((op) => op.kind === "polygon")).toHaveLength(2);
    }
    expect(seen).toBeGreaterThanOrEqual(8); // vtest.avi has several walkers in every frame
  });
});
