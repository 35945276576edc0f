import { EdgelensError } from "@edgelens/shared/errors";

export type Rgb = readonly [r: number, g: number, b: number];

const NAMED: Record<string, Rgb> = {
  black: [0, 0, 0],
  white: [255, 255, 255],
  red: [255, 0, 0],
  lime: [0, 255, 0],
  green: [0, 128, 0],
  blue: [0, 0, 255],
  yellow: [255, 255, 0],
  cyan: [0, 255, 255],
  aqua: [0, 255, 255],
  magenta: [255, 0, 255],
  fuchsia: [255, 0, 255],
  orange: [255, 165, 0],
  purple: [128, 0, 128],
  pink: [255, 192, 203],
  gray: [128, 128, 128],
  grey: [128, 128, 128],
};

/** `#rgb`, `#rrggbb`, `rgb(r,g,b)`, `rgba(r,g,b,a)` (alpha ignored) or a basic CSS colour name. */
export function parseColor(css: string): Rgb {
  const s = css.trim().toLowerCase();
  const named = NAMED[s];
  if (named) return named;
  let m = /^#([0-9a-f]{3})$/.exec(s);
  if (m) {
    const h = m[1] as string;
    return [0, 1, 2].map((i) => parseInt(h.charAt(i), 16) * 17) as unknown as Rgb;
  }
  m = /^#([0-9a-f]{6})$/.exec(s);
  if (m) {
    const v = parseInt(m[1] as string, 16);
    return [(v >> 16) & 255, (v >> 8) & 255, v & 255];
  }
  m = /^rgba?\(\s*(\d+)\s*,\s*(\d+)\s*,\s*(\d+)\s*(?:,\s*[\d.]+\s*)?\)$/.exec(s);
  if (m) return [1, 2, 3].map((i) => Math.min(255, Number(m?.[i]))) as unknown as Rgb;
  throw new EdgelensError("INVALID_PAYLOAD", `Unknown colour "${css}" (use #rrggbb, rgb(r,g,b) or a basic name)`);
}

// Why these: distinct on camera footage and readable under white text.
const PALETTE: readonly Rgb[] = [
  [255, 56, 56], [255, 157, 151], [255, 112, 31], [255, 178, 29], [207, 210, 49],
  [72, 249, 10], [146, 204, 23], [61, 219, 134], [26, 147, 52], [0, 212, 187],
  [44, 153, 168], [0, 194, 255], [52, 69, 147], [100, 115, 255], [0, 24, 236],
  [132, 56, 255], [82, 0, 133], [203, 56, 255], [255, 149, 200], [255, 55, 199],
];

/** A stable colour per class or track id. */
export function colorForIndex(index: number): Rgb {
  const i = Math.abs(Math.trunc(index)) % PALETTE.length;
  return PALETTE[i] as Rgb;
}
