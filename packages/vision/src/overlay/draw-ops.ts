import type { RgbImage } from "../image/rgb-image";
import type { DrawOp } from "../project/draw";
import { drawText } from "./bitmap-font";
import { parseColor, type Rgb } from "./color";
import { drawCaption } from "./draw-results";
import { fillCircle, drawLine, strokePolygon, strokeRect } from "./raster";

const DEFAULT_COLOR: Rgb = [0, 255, 0];

/** Glyphs are 8 px tall at scale 1; `size` is the wanted text height in pixels. */
function scaleFor(size: number | undefined): number {
  return Math.max(1, Math.round((size ?? 16) / 8));
}

/** Applies the ops a project recorded with `ctx.draw` (project/draw.ts) to `img`, in place, in order. */
export function renderDrawOps(img: RgbImage, ops: readonly DrawOp[]): void {
  const colors = new Map<string, Rgb>();
  const color = (css: string | undefined): Rgb => {
    if (css === undefined) return DEFAULT_COLOR;
    let c = colors.get(css);
    if (!c) {
      c = parseColor(css);
      colors.set(css, c);
    }
    return c;
  };
  for (const op of ops) {
    switch (op.kind) {
      case "box":
        strokeRect(img, op.box, color(op.color), op.lineWidth ?? 2);
        if (op.label) drawCaption(img, op.box[0], op.box[1], op.label, color(op.color));
        break;
      case "polygon":
        strokePolygon(img, op.points, color(op.color), op.lineWidth ?? 2, op.closed);
        break;
      case "line":
        drawLine(img, op.from[0], op.from[1], op.to[0], op.to[1], color(op.color), op.lineWidth ?? 2);
        break;
      case "points":
        for (const [x, y] of op.points) fillCircle(img, x, y, op.radius, color(op.color));
        break;
      case "text":
        drawText(img, op.at[0], op.at[1], op.text, color(op.color), { scale: scaleFor(op.size) });
        break;
    }
  }
}
