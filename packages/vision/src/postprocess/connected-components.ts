/** One 8-connected blob of a binary mask. */
export interface Component {
  /** Pixel count. */
  area: number;
  minX: number;
  minY: number;
  maxX: number;
  maxY: number;
  /**
   * The leftmost and rightmost pixel of each row, as x,y pairs: enough to compute the blob's
   * convex hull without visiting all of its pixels again.
   */
  outline: number[];
}

/**
 * Labels the 8-connected components of `mask` (non-zero = set), `width x height` row-major, with
 * an explicit queue (no recursion, no per-pixel allocation). 8-connectivity matches the outer
 * contours OpenCV's findContours traces, which PaddleOCR's DB post-processing uses.
 * `mask` is consumed (cleared) to mark visited pixels. Components under `minArea` pixels are skipped.
 */
export function labelComponents(mask: Uint8Array, width: number, height: number, minArea = 1): Component[] {
  const out: Component[] = [];
  const queue = new Int32Array(width * height);
  const rowMin = new Int32Array(height).fill(width);
  const rowMax = new Int32Array(height).fill(-1);
  for (let start = 0; start < mask.length; start++) {
    if (mask[start] === 0) continue;
    mask[start] = 0;
    let head = 0;
    let tail = 0;
    queue[tail++] = start;
    let minX = width, minY = height, maxX = -1, maxY = -1;
    while (head < tail) {
      const p = queue[head++] as number;
      const y = (p / width) | 0;
      const x = p - y * width;
      if (x < (rowMin[y] as number)) rowMin[y] = x;
      if (x > (rowMax[y] as number)) rowMax[y] = x;
      if (x < minX) minX = x;
      if (x > maxX) maxX = x;
      if (y < minY) minY = y;
      if (y > maxY) maxY = y;
      const y0 = y > 0 ? y - 1 : 0;
      const y1 = y < height - 1 ? y + 1 : y;
      const x0 = x > 0 ? x - 1 : 0;
      const x1 = x < width - 1 ? x + 1 : x;
      for (let ny = y0; ny <= y1; ny++) {
        const row = ny * width;
        for (let nx = x0; nx <= x1; nx++) {
          const q = row + nx;
          if (mask[q] !== 0) {
            mask[q] = 0;
            queue[tail++] = q;
          }
        }
      }
    }
    const outline: number[] = [];
    for (let y = minY; y <= maxY; y++) {
      const lo = rowMin[y] as number;
      const hi = rowMax[y] as number;
      if (hi >= 0) {
        outline.push(lo, y);
        if (hi !== lo) outline.push(hi, y);
      }
      rowMin[y] = width;
      rowMax[y] = -1;
    }
    if (tail >= minArea) out.push({ area: tail, minX, minY, maxX, maxY, outline });
  }
  return out;
}
