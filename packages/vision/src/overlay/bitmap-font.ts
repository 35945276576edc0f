import type { RgbImage } from "../image/rgb-image";
import type { Rgb } from "./color";
import { fillRect } from "./raster";

/**
 * A 5x8 bitmap font for printable ASCII (the classic "glcdfont" of Adafruit-GFX, BSD licence):
 * 5 column bytes per glyph, bit 0 = top row, bit 7 = descender row. Enough for labels, scores and
 * counts without a canvas dependency; other characters draw as '?'.
 */
const GLYPHS =
  "0000000000" + "00005f0000" + "0007000700" + "147f147f14" + "242a7f2a12" + "2313086462" + "3649562050" + "0008070300" +
  "001c224100" + "0041221c00" + "2a1c7f1c2a" + "08083e0808" + "0080703000" + "0808080808" + "0000606000" + "2010080402" +
  "3e5149453e" + "00427f4000" + "7249494946" + "2141494d33" + "1814127f10" + "2745454539" + "3c4a494931" + "4121110907" +
  "3649494936" + "464949291e" + "0000140000" + "0040340000" + "0008142241" + "1414141414" + "0041221408" + "0201590906" +
  "3e415d594e" + "7c1211127c" + "7f49494936" + "3e41414122" + "7f4141413e" + "7f49494941" + "7f09090901" + "3e41415173" +
  "7f0808087f" + "00417f4100" + "2040413f01" + "7f08142241" + "7f40404040" + "7f021c027f" + "7f0408107f" + "3e4141413e" +
  "7f09090906" + "3e4151215e" + "7f09192946" + "2649494932" + "03017f0103" + "3f4040403f" + "1f2040201f" + "3f4038403f" +
  "6314081463" + "0304780403" + "6159494d43" + "007f414141" + "0204081020" + "004141417f" + "0402010204" + "4040404040" +
  "0003070800" + "2054547840" + "7f28444438" + "3844444428" + "384444287f" + "3854545418" + "00087e0902" + "18a4a49c78" +
  "7f08040478" + "00447d4000" + "2040403d00" + "7f10284400" + "00417f4000" + "7c04780478" + "7c08040478" + "3844444438" +
  "fc18242418" + "18242418fc" + "7c08040408" + "4854545424" + "04043f4424" + "3c4040207c" + "1c2040201c" + "3c4030403c" +
  "4428102844" + "4c9090907c" + "4464544c44" + "0008364100" + "0000770000" + "0041360800" + "0201020402";

const FONT = Uint8Array.from(GLYPHS.match(/../g) ?? [], (h) => parseInt(h, 16));

/** Glyph cell: 5 columns + 1 spacing, 8 rows + 1 spacing, times the scale. */
export const GLYPH_ADVANCE = 6;
export const GLYPH_HEIGHT = 9;

export interface TextOptions {
  /** Integer pixel scale of the 5x8 glyphs. Default 2. */
  scale?: number;
  /** Fills the text's box first (readable on any footage). */
  background?: Rgb;
}

/** Width and height in pixels of `text` drawn at `scale`. */
export function measureText(text: string, scale = 2): { width: number; height: number } {
  const s = Math.max(1, Math.round(scale));
  return { width: text.length * GLYPH_ADVANCE * s, height: GLYPH_HEIGHT * s };
}

/** Draws `text` with its top-left corner at (x, y). */
export function drawText(img: RgbImage, x: number, y: number, text: string, color: Rgb, options: TextOptions = {}): void {
  const s = Math.max(1, Math.round(options.scale ?? 2));
  const left = Math.round(x);
  const top = Math.round(y);
  if (options.background) {
    const { width, height } = measureText(text, s);
    fillRect(img, left - s, top - s, left + width, top + height, options.background);
  }
  for (let c = 0; c < text.length; c++) {
    let code = text.charCodeAt(c);
    if (code < 32 || code > 126) code = 63;
    const base = (code - 32) * 5;
    const gx = left + c * GLYPH_ADVANCE * s;
    if (gx >= img.width) break;
    for (let col = 0; col < 5; col++) {
      const bits = FONT[base + col] as number;
      if (bits === 0) continue;
      for (let row = 0; row < 8; row++) {
        if (bits & (1 << row)) fillRect(img, gx + col * s, top + row * s, gx + (col + 1) * s, top + (row + 1) * s, color);
      }
    }
  }
}
