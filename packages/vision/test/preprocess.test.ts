import { describe, expect, it } from "vitest";
import { decodeImage } from "../src/image/index";
import { mediaPath } from "../src/media/index";
import {
  fitInputSize,
  letterboxToTensor,
  resizeImage,
  resizeToTensor,
  toInputPoint,
  toSourceBox,
  toSourcePoint,
  type FrameTransform,
} from "../src/preprocess/index";
import { synthImage, pixelAt } from "./vision-fixtures";

const gray = (v: number) => [v, v, v] as const;

describe("resize (bilinear, half-pixel centres)", () => {
  it("upsamples a 2x1 ramp to 4x1 with the hand-computed values", () => {
    // Output o samples u = (o + 0.5) / 2 - 0.5 = -0.25, 0.25, 0.75, 1.25 -> clamped 0, .25, .75, 1.
    const img = synthImage(2, 1, (x) => gray(x === 0 ? 0 : 100));
    const { tensor } = resizeToTensor(img, 4, 1);
    expect(tensor.dims).toEqual([1, 1, 4, 3]);
    expect(Array.from(tensor.data.filter((_, i) => i % 3 === 0))).toEqual([0, 25, 75, 100]);
  });

  it("downsamples 4x4 to 2x2 by averaging the 2x2 neighbourhoods", () => {
    // u = (o + 0.5) * 2 - 0.5 = 0.5 and 2.5: halfway between pixels 0/1 and 2/3 on both axes.
    const img = synthImage(4, 4, (x, y) => gray(x * 10 + y * 40));
    const { tensor } = resizeToTensor(img, 2, 2);
    const r = Array.from(tensor.data.filter((_, i) => i % 3 === 0));
    expect(r).toEqual([5 + 20, 25 + 20, 5 + 100, 25 + 100]);
  });

  it("packs NHWC and NCHW, in RGB or BGR order", () => {
    const img = synthImage(2, 2, () => [10, 20, 30]);
    expect(Array.from(resizeToTensor(img, 2, 2).tensor.data)).toEqual([10, 20, 30, 10, 20, 30, 10, 20, 30, 10, 20, 30]);
    const nchw = resizeToTensor(img, 2, 2, { layout: "nchw" }).tensor;
    expect(nchw.dims).toEqual([1, 3, 2, 2]);
    expect(Array.from(nchw.data)).toEqual([10, 10, 10, 10, 20, 20, 20, 20, 30, 30, 30, 30]);
    expect(Array.from(resizeToTensor(img, 1, 1, { channelOrder: "bgr" }).tensor.data)).toEqual([30, 20, 10]);
  });

  it("normalizes to [-1,1] and with ImageNet mean/std", () => {
    const img = synthImage(3, 1, (x) => gray([0, 255, 127.5][x] as number));
    const sym = resizeToTensor(img, 3, 1, { normalize: "symmetric" }).tensor.data;
    expect(sym[0]).toBeCloseTo(-1, 6);
    expect(sym[3]).toBeCloseTo(1, 6);
    const white = synthImage(1, 1, () => [255, 255, 255]);
    const net = resizeToTensor(white, 1, 1, { normalize: "imagenet" }).tensor.data;
    expect(net[0]).toBeCloseTo((1 - 0.485) / 0.229, 5);
    expect(net[1]).toBeCloseTo((1 - 0.456) / 0.224, 5);
    expect(net[2]).toBeCloseTo((1 - 0.406) / 0.225, 5);
    const custom = resizeToTensor(white, 1, 1, { normalize: { scale: 2, mean: [10, 20, 30], std: 2 } }).tensor.data;
    expect(Array.from(custom)).toEqual([250, 245, 240]);
  });

  it("makes rounded int32 tensors (MoveNet)", () => {
    const img = synthImage(2, 1, (x) => gray(x === 0 ? 0 : 101));
    const { tensor } = resizeToTensor(img, 4, 1, { dtype: "int32" });
    expect(tensor.type).toBe("int32");
    expect(tensor.data).toBeInstanceOf(Int32Array);
    expect(Array.from(tensor.data.filter((_, i) => i % 3 === 0))).toEqual([0, 25, 76, 101]);
  });

  it("resizes to an 8-bit image too", () => {
    const img = synthImage(2, 1, (x) => gray(x === 0 ? 0 : 101));
    const { image } = resizeImage(img, 4, 1);
    expect([0, 1, 2, 3].map((x) => pixelAt(image, x, 0)[0])).toEqual([0, 25, 76, 101]);
  });
});

describe("letterbox and the frame transform", () => {
  it("pads a 200x100 frame to 100x100 with the image centred", () => {
    const img = synthImage(200, 100, () => [200, 200, 200]);
    const { tensor, transform } = letterboxToTensor(img, 100, 100, { padValue: 114 });
    expect(transform).toMatchObject({ scaleX: 0.5, scaleY: 0.5, padX: 0, padY: 25, inputWidth: 100, inputHeight: 100, sourceWidth: 200, sourceHeight: 100 });
    const row = (y: number) => tensor.data[(y * 100 + 50) * 3];
    expect([row(0), row(24), row(25), row(74), row(75), row(99)]).toEqual([114, 114, 200, 200, 114, 114]);
    // Top-left alignment puts all of the padding after the image.
    expect(letterboxToTensor(img, 100, 100, { align: "top-left" }).transform.padY).toBe(0);
  });

  it("samples each input pixel at the source point the transform maps it to", () => {
    // R = x, G = y: bilinear reproduces a linear ramp exactly, so any geometry error shows.
    const img = synthImage(230, 170, (x, y) => [x, y, 0]);
    for (const mode of ["stretch", "letterbox"] as const) {
      const roi = mode === "stretch" ? { x: 20, y: 10, width: 150, height: 120 } : undefined;
      const p = (mode === "stretch" ? resizeToTensor : letterboxToTensor)(img, 64, 48, roi ? { roi } : {});
      const t = p.transform;
      let checked = 0;
      for (let y = 0; y < 48; y++) {
        for (let x = 0; x < 64; x++) {
          const [sx, sy] = toSourcePoint(t, x + 0.5, y + 0.5);
          // Skip the padding and the clamped outermost half pixel.
          if (sx < 1 || sy < 1 || sx > img.width - 1 || sy > img.height - 1 || x < t.padX || y < t.padY) continue;
          expect(p.tensor.data[(y * 64 + x) * 3]).toBeCloseTo(sx - 0.5, 3);
          expect(p.tensor.data[(y * 64 + x) * 3 + 1]).toBeCloseTo(sy - 0.5, 3);
          checked++;
        }
      }
      expect(checked).toBeGreaterThan(1000);
    }
  });

  it("maps dog.jpg letterboxed to 512x512 back to source pixels exactly", async () => {
    const dog = await decodeImage(mediaPath("dog.jpg"));
    const { transform } = letterboxToTensor(dog, 512, 512);
    // 768x576 -> 512x384, 64 px of padding above and below.
    expect(transform).toMatchObject({ padX: 0, padY: 64, scaleX: 512 / 768, scaleY: 384 / 576 });
    for (const [x, y] of [[0, 0], [768, 576], [123.4, 456.7], [700, 10]] as const) {
      const [ix, iy] = toInputPoint(transform, x, y);
      const [sx, sy] = toSourcePoint(transform, ix, iy);
      expect(sx).toBeCloseTo(x, 9);
      expect(sy).toBeCloseTo(y, 9);
    }
    expect(toSourcePoint(transform, 0, 64)).toEqual([0, 0]);
    expect(toSourcePoint(transform, 512, 448)).toEqual([768, 576]);
    // Boxes reaching into the padding are clamped to the frame.
    expect(toSourceBox(transform, [-10, 0, 600, 512])).toEqual([0, 0, 768, 576]);
  });

  it("chooses PP-OCR input sizes in multiples of 32 under a maximum side", () => {
    expect(fitInputSize(556, 257)).toEqual({ width: 544, height: 256 });
    expect(fitInputSize(1920, 1080, 960)).toEqual({ width: 960, height: 544 });
    expect(fitInputSize(10, 10)).toEqual({ width: 32, height: 32 });
  });

  it("rejects bad frames and sizes with clear errors", () => {
    const img = synthImage(4, 4, () => gray(0));
    expect(() => resizeToTensor({ ...img, data: img.data.subarray(1) }, 2, 2)).toThrow(/needs 48 bytes, got 47/);
    expect(() => resizeToTensor(img, 0, 2)).toThrow(/input width must be a positive integer/);
    expect(() => resizeToTensor(img, 2, 2, { roi: { x: 2, y: 0, width: 4, height: 4 } })).toThrow(/inside the 4x4 frame/);
    expect(() => resizeToTensor(img, 2, 2, { normalize: "nope" as "raw" })).toThrow(/Unknown normalization/);
    expect(() => resizeToTensor(img, 2, 2, { normalize: { std: 0 } })).toThrow(/non-zero std/);
  });

  it("keeps a transform that is plain data", () => {
    const t: FrameTransform = resizeToTensor(synthImage(8, 4, () => gray(1)), 4, 4).transform;
    expect(JSON.parse(JSON.stringify(t))).toEqual(t);
  });
});
