import { readNumbers, type TensorView } from "./tensor-view";

export interface TextDirection {
  /** 0: upright; 180: upside down. */
  angle: 0 | 180;
  score: number;
}

/** PP-OCR's direction classifier output `[N,2]` (probabilities of 0 and 180 degrees), one per line. */
export function decodeTextDirection(probabilities: TensorView): TextDirection[] {
  const n = probabilities.dims[0] ?? 0;
  const p = readNumbers(probabilities, "text direction output", [null, 2]);
  const out: TextDirection[] = [];
  for (let i = 0; i < n; i++) {
    const up = p[i * 2] as number;
    const down = p[i * 2 + 1] as number;
    out.push(down > up ? { angle: 180, score: Math.min(1, down) } : { angle: 0, score: Math.min(1, up) });
  }
  return out;
}
