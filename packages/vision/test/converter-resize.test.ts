import { describe, expect, it } from "vitest";
import { attr, convertAndRun, f32, maxAbsDiff, seeded, TfjsModelBuilder, values } from "./converter-fixtures";

type Mode = "align_corners" | "half_pixel_centers" | "asymmetric";

/** TF ResizeBilinear's source coordinate and neighbours (tensorflow/core/kernels/image/resize_bilinear_op.cc). */
function source(o: number, inSize: number, outSize: number, mode: Mode): { lo: number; hi: number; t: number } {
  const scale = mode === "align_corners" && outSize > 1 ? (inSize - 1) / (outSize - 1) : inSize / outSize;
  const at = mode === "half_pixel_centers" ? (o + 0.5) * scale - 0.5 : o * scale;
  const floor = Math.floor(at);
  return { lo: Math.max(floor, 0), hi: Math.min(Math.ceil(at), inSize - 1), t: at - floor };
}

function resizeRef(x: number[], h: number, w: number, c: number, oh: number, ow: number, mode: Mode): number[] {
  const y: number[] = [];
  const px = (r: number, col: number, ch: number): number => x[(r * w + col) * c + ch] ?? NaN;
  for (let r = 0; r < oh; r++) {
    const sy = source(r, h, oh, mode);
    for (let col = 0; col < ow; col++) {
      const sx = source(col, w, ow, mode);
      for (let ch = 0; ch < c; ch++) {
        const top = px(sy.lo, sx.lo, ch) + (px(sy.lo, sx.hi, ch) - px(sy.lo, sx.lo, ch)) * sx.t;
        const bottom = px(sy.hi, sx.lo, ch) + (px(sy.hi, sx.hi, ch) - px(sy.hi, sx.lo, ch)) * sx.t;
        y.push(top + (bottom - top) * sy.t);
      }
    }
  }
  return y;
}

function model(mode: Mode, oh: number, ow: number, h: number, w: number): TfjsModelBuilder {
  return new TfjsModelBuilder()
    .placeholder("x", "float32", [1, h, w, 2])
    .constant("size", [oh, ow], [2], "int32")
    .node("y", "ResizeBilinear", ["x", "size"], {
      align_corners: attr.b(mode === "align_corners"),
      half_pixel_centers: attr.b(mode === "half_pixel_centers"),
    })
    .outputs("y");
}

describe("converter: ResizeBilinear", () => {
  const cases: [Mode, number, number, number, number][] = [
    ["asymmetric", 3, 4, 6, 8],
    ["asymmetric", 3, 4, 5, 7],
    ["half_pixel_centers", 3, 4, 5, 7],
    ["half_pixel_centers", 6, 6, 4, 3],
    ["align_corners", 3, 4, 5, 7],
    ["align_corners", 6, 5, 4, 3],
  ];
  for (const [mode, h, w, oh, ow] of cases) {
    it(`${mode}: ${h}x${w} -> ${oh}x${ow}`, async () => {
      const x = seeded(h * w * 2, h * 31 + w);
      const { outputs } = await convertAndRun(model(mode, oh, ow, h, w), { x: f32(x, [1, h, w, 2]) });
      expect(outputs.y?.dims).toEqual([1, oh, ow, 2]);
      expect(maxAbsDiff(values(outputs.y), resizeRef(x, h, w, 2, oh, ow, mode))).toBeLessThan(1e-5);
    });
  }
});
