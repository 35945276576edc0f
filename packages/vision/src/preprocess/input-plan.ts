import type { RgbImage } from "../image/rgb-image";
import type { FitMode } from "./geometry";
import { prepareInputWith, type PreparedInput, type TensorAllocator, type TensorOptions } from "./to-tensor";

/**
 * A model input a function asked for on a frame (`ctx.vision.resize(frame, 512, 512)`), as data:
 * the agent prepares the same input for the next frame on another thread while the model runs.
 */
export interface InputRequest {
  width: number;
  height: number;
  mode: FitMode;
  options: TensorOptions;
}

/** An input prepared ahead for a frame, found again by its request's key. */
export interface PreparedEntry {
  key: string;
  prepared: PreparedInput;
}

/** A frame with inputs already prepared for it (the agent's hand-off to the project worker). */
export interface FrameWithInputs {
  prepared?: PreparedEntry[];
}

// Why so few: a function that asks for many inputs per frame (crops) gains little from one frame
// of look-ahead, and the host must not spend unbounded time guessing.
export const MAX_PLANNED_INPUTS = 4;

const PLAIN_KEYS = ["layout", "dtype", "normalize", "channelOrder", "padValue", "align"] as const;

/**
 * The request as plain data, or undefined when it cannot be repeated on another frame: a region
 * of interest is usually per frame (a crop around last frame's detection).
 */
export function toInputRequest(width: number, height: number, mode: FitMode, options: TensorOptions = {}): InputRequest | undefined {
  if (options.roi !== undefined) return undefined;
  const copy: Record<string, unknown> = {};
  for (const key of PLAIN_KEYS) {
    const value = options[key];
    if (value === undefined) continue;
    if (typeof value === "object" && value !== null) copy[key] = JSON.parse(JSON.stringify(value)) as unknown;
    else copy[key] = value;
  }
  return { width, height, mode, options: copy as TensorOptions };
}

export function inputRequestKey(r: InputRequest): string {
  return JSON.stringify([r.width, r.height, r.mode, PLAIN_KEYS.map((k) => r.options[k] ?? null)]);
}

/** Prepares each request for `frame`; one that fails is left out (the function then computes it itself). */
export function prepareRequests(frame: RgbImage, requests: readonly InputRequest[], allocate: TensorAllocator): PreparedEntry[] {
  const entries: PreparedEntry[] = [];
  for (const r of requests.slice(0, MAX_PLANNED_INPUTS)) {
    try {
      entries.push({ key: inputRequestKey(r), prepared: prepareInputWith(allocate, frame, r.width, r.height, r.mode, r.options) });
    } catch {
      // The same call inside the function throws the same error where the user sees it.
    }
  }
  return entries;
}
