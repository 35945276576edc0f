import type { RgbImage } from "../src/image/rgb-image";

/** A `width x height` image whose pixel (x, y) is `pixel(x, y)`. */
export function synthImage(width: number, height: number, pixel: (x: number, y: number) => readonly [number, number, number]): RgbImage {
  const data = new Uint8Array(width * height * 3);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const [r, g, b] = pixel(x, y);
      data.set([r, g, b], (y * width + x) * 3);
    }
  }
  return { data, width, height };
}

/** The RGB of pixel (x, y). */
export function pixelAt(img: RgbImage, x: number, y: number): [number, number, number] {
  const i = (y * img.width + x) * 3;
  return [img.data[i] ?? -1, img.data[i + 1] ?? -1, img.data[i + 2] ?? -1];
}

/** Pixels of `a` and `b` that differ, as a count inside and outside the rectangle [x1,x2) x [y1,y2). */
export function diffInside(a: RgbImage, b: RgbImage, rect: readonly [number, number, number, number]): { inside: number; outside: number } {
  let inside = 0;
  let outside = 0;
  for (let y = 0; y < a.height; y++) {
    for (let x = 0; x < a.width; x++) {
      const i = (y * a.width + x) * 3;
      if (a.data[i] === b.data[i] && a.data[i + 1] === b.data[i + 1] && a.data[i + 2] === b.data[i + 2]) continue;
      if (x >= rect[0] && x < rect[2] && y >= rect[1] && y < rect[3]) inside++;
      else outside++;
    }
  }
  return { inside, outside };
}
