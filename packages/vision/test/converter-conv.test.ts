import { describe, expect, it } from "vitest";
import { convertTfjsGraphModel } from "../src/converter/index";
import { attr, convertAndRun, f32, maxAbsDiff, seeded, TfjsModelBuilder, values } from "./converter-fixtures";

interface ConvCase {
  h: number;
  w: number;
  c: number;
  kh: number;
  kw: number;
  out: number;
  stride: number;
  padding: "SAME" | "VALID";
  depthwise?: boolean;
}

/** TF's padding rule: SAME keeps ceil(size / stride) outputs and puts the odd pixel last. */
function window(size: number, k: number, stride: number, padding: "SAME" | "VALID"): { out: number; before: number } {
  if (padding === "VALID") return { out: Math.ceil((size - k + 1) / stride), before: 0 };
  const out = Math.ceil(size / stride);
  return { out, before: Math.floor(Math.max((out - 1) * stride + k - size, 0) / 2) };
}

/** Reference NHWC convolution (batch 1). Depthwise: filter [kh,kw,C,M], out channel c*M+m. */
function convRef(x: number[], f: number[], p: ConvCase, bias?: number[]): number[] {
  const rows = window(p.h, p.kh, p.stride, p.padding);
  const cols = window(p.w, p.kw, p.stride, p.padding);
  const outC = p.depthwise ? p.c * p.out : p.out;
  const y: number[] = [];
  for (let oy = 0; oy < rows.out; oy++)
    for (let ox = 0; ox < cols.out; ox++)
      for (let o = 0; o < outC; o++) {
        let sum = bias?.[o] ?? 0;
        for (let ky = 0; ky < p.kh; ky++)
          for (let kx = 0; kx < p.kw; kx++) {
            const iy = oy * p.stride + ky - rows.before;
            const ix = ox * p.stride + kx - cols.before;
            if (iy < 0 || iy >= p.h || ix < 0 || ix >= p.w) continue;
            if (p.depthwise) {
              const c = Math.floor(o / p.out);
              const m = o % p.out;
              sum += (x[(iy * p.w + ix) * p.c + c] ?? 0) * (f[((ky * p.kw + kx) * p.c + c) * p.out + m] ?? 0);
            } else {
              for (let c = 0; c < p.c; c++) sum += (x[(iy * p.w + ix) * p.c + c] ?? 0) * (f[((ky * p.kw + kx) * p.c + c) * p.out + o] ?? 0);
            }
          }
        y.push(sum);
      }
  return y;
}

function maxPoolRef(x: number[], h: number, w: number, c: number, k: number, stride: number, padding: "SAME" | "VALID"): number[] {
  const rows = window(h, k, stride, padding);
  const cols = window(w, k, stride, padding);
  const y: number[] = [];
  for (let oy = 0; oy < rows.out; oy++)
    for (let ox = 0; ox < cols.out; ox++)
      for (let ch = 0; ch < c; ch++) {
        let best = -Infinity;
        for (let ky = 0; ky < k; ky++)
          for (let kx = 0; kx < k; kx++) {
            const iy = oy * stride + ky - rows.before;
            const ix = ox * stride + kx - cols.before;
            if (iy >= 0 && iy < h && ix >= 0 && ix < w) best = Math.max(best, x[(iy * w + ix) * c + ch] ?? -Infinity);
          }
        y.push(best);
      }
  return y;
}

/** Values exactly representable in float16, so fp16-stored weights have exact expectations. */
const halfExact = (v: number[]): number[] => v.map((x) => Math.round(x * 64) / 64);

function convModel(op: string, p: ConvCase, filter: number[], opts: { bias?: number[]; fused?: string[]; fp16?: boolean; alpha?: number[] } = {}): TfjsModelBuilder {
  const dtype = opts.fp16 ? "float16" : "float32";
  const m = new TfjsModelBuilder()
    .placeholder("x", "float32", [1, p.h, p.w, p.c])
    .constant("filter", filter, [p.kh, p.kw, p.c, p.out], dtype);
  const inputs = ["x", "filter"];
  if (opts.bias) {
    m.constant("bias", opts.bias, [opts.bias.length], dtype);
    inputs.push("bias");
  }
  if (opts.alpha) {
    // tfjs-converter's fused PReLU keeps Keras's alpha shape [1, 1, C].
    m.constant("alpha", opts.alpha, [1, 1, opts.alpha.length], dtype);
    inputs.push("alpha");
  }
  const attrs = {
    strides: attr.ints([1, p.stride, p.stride, 1]),
    padding: attr.s(p.padding),
    data_format: attr.s("NHWC"),
    dilations: attr.ints([1, 1, 1, 1]),
    ...(opts.fused ? { fused_ops: attr.strs(opts.fused), num_args: attr.i(inputs.length - 2) } : {}),
  };
  return m.node("y", op, inputs, attrs).outputs("y");
}

async function check(op: string, p: ConvCase, opts: { bias?: boolean; fused?: string[]; fp16?: boolean; act?: (v: number) => number } = {}): Promise<void> {
  const x = seeded(p.h * p.w * p.c, 7);
  const filterSize = p.kh * p.kw * p.c * p.out;
  const filter = opts.fp16 ? halfExact(seeded(filterSize, 11)) : seeded(filterSize, 11);
  const outC = p.depthwise ? p.c * p.out : p.out;
  const bias = opts.bias ? halfExact(seeded(outC, 13)) : undefined;
  const expected = convRef(x, filter, p, bias).map(opts.act ?? ((v) => v));
  const { outputs } = await convertAndRun(convModel(op, p, filter, { bias, fused: opts.fused, fp16: opts.fp16 }), { x: f32(x, [1, p.h, p.w, p.c]) });
  const y = outputs.y;
  const rows = window(p.h, p.kh, p.stride, p.padding).out;
  const cols = window(p.w, p.kw, p.stride, p.padding).out;
  expect(y?.dims).toEqual([1, rows, cols, outC]);
  expect(maxAbsDiff(values(y), expected)).toBeLessThan(1e-5);
}

const relu = (v: number): number => Math.max(0, v);

describe("converter: convolution and pooling (NHWC kept, Transpose-wrapped)", () => {
  it("Conv2D VALID, stride 1", async () => {
    await check("Conv2D", { h: 5, w: 5, c: 2, kh: 3, kw: 3, out: 3, stride: 1, padding: "VALID" });
  });

  it("_FusedConv2D BiasAdd+Relu, SAME, stride 2 on odd sizes (SAME_UPPER)", async () => {
    await check("_FusedConv2D", { h: 7, w: 6, c: 2, kh: 3, kw: 3, out: 4, stride: 2, padding: "SAME" }, { bias: true, fused: ["BiasAdd", "Relu"], act: relu });
  });

  it("_FusedConv2D BiasAdd+Relu6 with float16-stored weights", async () => {
    const p: ConvCase = { h: 6, w: 6, c: 3, kh: 3, kw: 3, out: 2, stride: 1, padding: "SAME" };
    // Scale the input so that some outputs pass 6 and get clipped.
    const x = seeded(6 * 6 * 3, 7).map((v) => v * 8);
    const filter = halfExact(seeded(3 * 3 * 3 * 2, 11));
    const bias = halfExact([0.5, -0.25]);
    const expected = convRef(x, filter, p, bias).map((v) => Math.min(6, Math.max(0, v)));
    expect(expected.some((v) => v === 6)).toBe(true);
    const { outputs } = await convertAndRun(convModel("_FusedConv2D", p, filter, { bias, fused: ["BiasAdd", "Relu6"], fp16: true }), {
      x: f32(x, [1, 6, 6, 3]),
    });
    expect(maxAbsDiff(values(outputs.y), expected)).toBeLessThan(1e-4);
  });

  it("keeps float16 weights as float16 initializers (smaller file) unless asked not to", async () => {
    const p: ConvCase = { h: 4, w: 4, c: 8, kh: 3, kw: 3, out: 16, stride: 1, padding: "SAME" };
    const files = convModel("Conv2D", p, halfExact(seeded(3 * 3 * 8 * 16)), { fp16: true }).write();
    try {
      const half = await convertTfjsGraphModel(files.path);
      const full = await convertTfjsGraphModel(files.path, { keepFloat16: false });
      // 1152 weights: 2 bytes each vs 4 bytes each.
      expect(full.onnx.length - half.onnx.length).toBeGreaterThan(1152 * 2 - 200);
    } finally {
      files.cleanup();
    }
  });

  it("_FusedConv2D BiasAdd+Prelu (facemesh's layers): alpha per output channel", async () => {
    const p: ConvCase = { h: 5, w: 5, c: 2, kh: 3, kw: 3, out: 3, stride: 2, padding: "SAME" };
    const x = seeded(5 * 5 * 2, 7);
    const filter = seeded(3 * 3 * 2 * 3, 11);
    const bias = [0.125, -0.25, 0.5];
    const alpha = [0.25, -0.5, 2];
    const expected = convRef(x, filter, p, bias).map((v, i) => (v >= 0 ? v : v * (alpha[i % 3] ?? Number.NaN)));
    expect(expected.some((v, i) => v < 0 && i % 3 === 2)).toBe(true);
    const { outputs } = await convertAndRun(convModel("_FusedConv2D", p, filter, { bias, alpha, fused: ["BiasAdd", "Prelu"] }), { x: f32(x, [1, 5, 5, 2]) });
    expect(outputs.y?.dims).toEqual([1, 3, 3, 3]);
    expect(maxAbsDiff(values(outputs.y), expected)).toBeLessThan(1e-5);
  });

  it("DepthwiseConv2dNative, channel multiplier 2, SAME", async () => {
    await check("DepthwiseConv2dNative", { h: 5, w: 4, c: 3, kh: 3, kw: 3, out: 2, stride: 1, padding: "SAME", depthwise: true });
  });

  it("FusedDepthwiseConv2dNative BiasAdd+Relu6, stride 2, float16 weights", async () => {
    await check(
      "FusedDepthwiseConv2dNative",
      { h: 7, w: 7, c: 4, kh: 3, kw: 3, out: 1, stride: 2, padding: "SAME", depthwise: true },
      { bias: true, fused: ["BiasAdd", "Relu6"], fp16: true, act: (v) => Math.min(6, Math.max(0, v)) },
    );
  });

  it("MaxPool SAME 3x3 stride 1 and VALID 2x2 stride 2", async () => {
    const x = seeded(5 * 5 * 2, 3);
    const m = new TfjsModelBuilder()
      .placeholder("x", "float32", [1, 5, 5, 2])
      .node("same", "MaxPool", ["x"], { ksize: attr.ints([1, 3, 3, 1]), strides: attr.ints([1, 1, 1, 1]), padding: attr.s("SAME") })
      .node("valid", "MaxPool", ["x"], { ksize: attr.ints([1, 2, 2, 1]), strides: attr.ints([1, 2, 2, 1]), padding: attr.s("VALID") })
      .outputs("same", "valid");
    const { outputs } = await convertAndRun(m, { x: f32(x, [1, 5, 5, 2]) });
    expect(outputs.same?.dims).toEqual([1, 5, 5, 2]);
    expect(values(outputs.same)).toEqual(maxPoolRef(x, 5, 5, 2, 3, 1, "SAME").map(Math.fround));
    expect(outputs.valid?.dims).toEqual([1, 2, 2, 2]);
    expect(values(outputs.valid)).toEqual(maxPoolRef(x, 5, 5, 2, 2, 2, "VALID").map(Math.fround));
  });

  it("rejects a non-NHWC conv with UNSUPPORTED_OP naming the node", async () => {
    const m = new TfjsModelBuilder()
      .placeholder("x", "float32", [1, 2, 4, 4])
      .constant("filter", seeded(4), [1, 1, 2, 2])
      .node("nchw_conv", "Conv2D", ["x", "filter"], { strides: attr.ints([1, 1, 1, 1]), padding: attr.s("VALID"), data_format: attr.s("NCHW") })
      .outputs("nchw_conv");
    await expect(convertAndRun(m, {})).rejects.toMatchObject({ code: "UNSUPPORTED_OP", context: { node: "nchw_conv", op: "Conv2D" } });
  });
});
