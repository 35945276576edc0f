import { EdgelensError } from "@edgelens/shared/errors";
import { EMOTION_LABELS, type Emotion } from "../models/emotion-labels";
import { readNumbers, type TensorView } from "../postprocess/tensor-view";

export interface FaceAttributes {
  /** Unit-length (L2-normalised) descriptor: distances between two are in [0, 2]. */
  descriptor: Float32Array;
  /** Years, one decimal. */
  age: number;
  gender: "female" | "male";
  /** How sure the gender is, 0..1 (0: the model's 0.5). */
  genderScore: number;
}

function head(outputs: Record<string, TensorView>, width: number, what: string): ArrayLike<number> {
  const found = Object.entries(outputs).find(([, t]) => t.dims.length === 2 && t.dims[1] === width);
  if (!found) {
    const seen = Object.entries(outputs).map(([k, t]) => `${k} [${t.dims.join(",")}]`).join(", ");
    throw new EdgelensError("INVALID_PAYLOAD", `faceres: expected a [1,${width}] ${what} output, got ${seen}`);
  }
  return readNumbers(found[1], `faceres ${what} ${found[0]}`, [1, width]);
}

/** Scales a descriptor to unit length, so the distance ignores how strongly a face activates the model. */
export function normalizeDescriptor(values: ArrayLike<number>): Float32Array {
  let sum = 0;
  for (let i = 0; i < values.length; i++) sum += values[i]! * values[i]!;
  if (!(sum > 0) || !Number.isFinite(sum)) throw new EdgelensError("INVALID_PAYLOAD", "face descriptor: all zeros or not finite", { length: values.length });
  const norm = Math.sqrt(sum);
  return Float32Array.from(values, (v) => v / norm);
}

/**
 * faceres' three heads, found by shape: `[1,1024]` descriptor, `[1,100]` age softmax, `[1,1]` gender
 * sigmoid (1 = male). Age is the softmax's expectation: steadier from frame to frame than the argmax.
 */
export function decodeFaceRes(outputs: Record<string, TensorView>): FaceAttributes {
  const descriptor = normalizeDescriptor(head(outputs, 1024, "descriptor"));
  const ages = head(outputs, 100, "age");
  let age = 0;
  let total = 0;
  for (let i = 0; i < ages.length; i++) {
    age += i * ages[i]!;
    total += ages[i]!;
  }
  const male = head(outputs, 1, "gender")[0]!;
  return {
    descriptor,
    age: Math.round((10 * age) / (total || 1)) / 10,
    gender: male > 0.5 ? "male" : "female",
    genderScore: Math.round(200 * Math.abs(male - 0.5)) / 100,
  };
}

/** The emotion model's `[1,7]` probabilities, most likely first. */
export function decodeEmotion(output: TensorView): { emotion: Emotion; score: number }[] {
  const p = readNumbers(output, "emotion", [1, EMOTION_LABELS.length]);
  return EMOTION_LABELS.map((emotion, i) => ({ emotion, score: p[i]! })).sort((a, b) => b.score - a.score);
}

/** What face-recognition's `config.attributes` may ask for beyond age and gender. */
export const FACE_ATTRIBUTES = ["emotion"] as const;

/** INVALID_CONFIG (field `attributes`) unless a list of FACE_ATTRIBUTES: a typo must not silently drop the attribute. */
export function validateFaceAttributes(value: unknown): void {
  const bad = Array.isArray(value) ? value.filter((a) => !(FACE_ATTRIBUTES as readonly unknown[]).includes(a)) : [value];
  if (bad.length > 0) {
    throw new EdgelensError("INVALID_CONFIG", `attributes: ${JSON.stringify(bad)} not known (there are: ${FACE_ATTRIBUTES.join(", ")})`, { field: "attributes" });
  }
}
