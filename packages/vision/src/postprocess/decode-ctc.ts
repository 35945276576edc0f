import { EdgelensError } from "@edgelens/shared/errors";
import { readNumbers, type TensorView } from "./tensor-view";

export interface CtcOptions {
  /** The character of each output class; class 0 is the CTC blank (PP-OCR: `ctx.vision.labels.ppocr`). */
  characters: readonly string[];
}

export interface RecognizedText {
  text: string;
  /** Mean probability of the characters kept (0 when none). */
  score: number;
}

/**
 * CTC greedy decoding of a recognizer's per-step class probabilities `[N,T,C]` (PaddleOCR's
 * CTCLabelDecode): the best class at each step, repeats collapsed, blanks dropped. One entry per
 * batch row.
 */
export function decodeCtc(probabilities: TensorView, options: CtcOptions): RecognizedText[] {
  const [n = 0, steps = 0, classes = 0] = probabilities.dims;
  const p = readNumbers(probabilities, "CTC output", [null, null, null]);
  if (classes !== options.characters.length) {
    throw new EdgelensError("INVALID_PAYLOAD", `CTC output has ${classes} classes but the dictionary has ${options.characters.length} characters (blank included)`);
  }
  const out: RecognizedText[] = [];
  for (let row = 0; row < n; row++) {
    let text = "";
    let sum = 0;
    let kept = 0;
    let previous = -1;
    for (let t = 0; t < steps; t++) {
      const base = (row * steps + t) * classes;
      let best = 0;
      let bestP = p[base] as number;
      for (let c = 1; c < classes; c++) {
        const v = p[base + c] as number;
        if (v > bestP) {
          bestP = v;
          best = c;
        }
      }
      if (best !== 0 && best !== previous) {
        text += options.characters[best];
        sum += bestP;
        kept++;
      }
      previous = best;
    }
    out.push({ text, score: kept > 0 ? Math.min(1, sum / kept) : 0 });
  }
  return out;
}
