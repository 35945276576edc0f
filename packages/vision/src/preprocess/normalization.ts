import { EdgelensError } from "@edgelens/shared/errors";

type PerChannel = number | readonly [number, number, number];

/** `value = (pixel * scale - mean[c]) / std[c]`, with `c` in the output channel order. */
export interface Normalization {
  scale?: number;
  mean?: PerChannel;
  std?: PerChannel;
}

/** The normalizations the sample models use. */
export const NORMALIZATIONS = {
  /** 0..255 as is (CenterNet, MoveNet). */
  raw: { scale: 1 },
  /** 0..1. */
  unit: { scale: 1 / 255 },
  /** -1..1, `v / 127.5 - 1` (BlazeFace). */
  symmetric: { scale: 1 / 127.5, mean: 1 },
  /** ImageNet mean/std on 0..1 (PP-OCR). */
  imagenet: { scale: 1 / 255, mean: [0.485, 0.456, 0.406], std: [0.229, 0.224, 0.225] },
} as const satisfies Record<string, Normalization>;

export type NormalizationName = keyof typeof NORMALIZATIONS;

/** Per-channel `a, b` such that `value = pixel * a[c] + b[c]`. */
export interface ChannelAffine {
  a: [number, number, number];
  b: [number, number, number];
}

function channel(v: PerChannel | undefined, c: number, fallback: number): number {
  if (v === undefined) return fallback;
  return typeof v === "number" ? v : (v[c] ?? fallback);
}

export function resolveNormalization(n: Normalization | NormalizationName = "raw"): ChannelAffine {
  const spec: Normalization | undefined = typeof n === "string" ? NORMALIZATIONS[n] : n;
  if (!spec) throw new EdgelensError("INVALID_PAYLOAD", `Unknown normalization "${String(n)}" (there are: ${Object.keys(NORMALIZATIONS).join(", ")})`);
  const scale = spec.scale ?? 1;
  const a: [number, number, number] = [0, 0, 0];
  const b: [number, number, number] = [0, 0, 0];
  for (let c = 0; c < 3; c++) {
    const std = channel(spec.std, c, 1);
    const mean = channel(spec.mean, c, 0);
    if (!Number.isFinite(scale) || !Number.isFinite(mean) || !Number.isFinite(std) || std === 0) {
      throw new EdgelensError("INVALID_PAYLOAD", `Normalization needs finite scale/mean and a non-zero std (channel ${c})`);
    }
    a[c] = scale / std;
    b[c] = -mean / std;
  }
  return { a, b };
}
