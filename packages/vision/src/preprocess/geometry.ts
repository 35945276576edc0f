import { EdgelensError } from "@edgelens/shared/errors";
import type { FrameTransform } from "./frame-transform";

/** A rectangle of the source frame in pixels. */
export interface Region {
  x: number;
  y: number;
  width: number;
  height: number;
}

export type FitMode = "stretch" | "letterbox";

/** Where the resized image lands inside the input: `drawWidth x drawHeight` at (padX, padY). */
export interface Placement {
  transform: FrameTransform;
  drawWidth: number;
  drawHeight: number;
}

export interface PlacementOptions {
  roi?: Region;
  /** Letterbox only: centre the image (default) or put it at the top-left corner. */
  align?: "center" | "top-left";
}

function positiveInt(v: number, what: string): void {
  if (!Number.isInteger(v) || v <= 0) throw new EdgelensError("INVALID_PAYLOAD", `${what} must be a positive integer, got ${v}`);
}

/** Plans a resize of `source` (or its `roi`) to `width x height`. */
export function planPlacement(sourceWidth: number, sourceHeight: number, width: number, height: number, mode: FitMode, options: PlacementOptions = {}): Placement {
  positiveInt(width, "input width");
  positiveInt(height, "input height");
  const roi = options.roi ?? { x: 0, y: 0, width: sourceWidth, height: sourceHeight };
  if (!(roi.width > 0 && roi.height > 0 && roi.x >= 0 && roi.y >= 0 && roi.x + roi.width <= sourceWidth && roi.y + roi.height <= sourceHeight)) {
    throw new EdgelensError("INVALID_PAYLOAD", `roi ${JSON.stringify(roi)} must be a non-empty region inside the ${sourceWidth}x${sourceHeight} frame`);
  }
  let drawWidth = width;
  let drawHeight = height;
  let padX = 0;
  let padY = 0;
  if (mode === "letterbox") {
    const s = Math.min(width / roi.width, height / roi.height);
    drawWidth = Math.min(width, Math.max(1, Math.round(roi.width * s)));
    drawHeight = Math.min(height, Math.max(1, Math.round(roi.height * s)));
    if (options.align !== "top-left") {
      padX = Math.floor((width - drawWidth) / 2);
      padY = Math.floor((height - drawHeight) / 2);
    }
  } else if (mode !== "stretch") {
    throw new EdgelensError("INVALID_PAYLOAD", `Unknown fit mode "${String(mode)}" (stretch or letterbox)`);
  }
  return {
    drawWidth,
    drawHeight,
    transform: {
      sourceWidth,
      sourceHeight,
      inputWidth: width,
      inputHeight: height,
      cropX: roi.x,
      cropY: roi.y,
      scaleX: drawWidth / roi.width,
      scaleY: drawHeight / roi.height,
      padX,
      padY,
    },
  };
}

/**
 * Input size for models that take any size in steps of `multiple` (PP-OCR: 32): the frame scaled
 * down so that its longer side is at most `maxSide`, each side rounded to the multiple
 * (PaddleOCR's DetResizeForTest with limit_type "max").
 */
export function fitInputSize(sourceWidth: number, sourceHeight: number, maxSide = 960, multiple = 32): { width: number; height: number } {
  positiveInt(sourceWidth, "source width");
  positiveInt(sourceHeight, "source height");
  positiveInt(multiple, "multiple");
  const s = Math.min(1, maxSide / Math.max(sourceWidth, sourceHeight));
  const round = (v: number) => Math.max(multiple, Math.round((v * s) / multiple) * multiple);
  return { width: round(sourceWidth), height: round(sourceHeight) };
}
