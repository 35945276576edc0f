/**
 * A tensor shape for reading: symbolic dimensions keep short names ("batch", "height") and long
 * generated ones ("p2o.DynamicDimension.0") become "?"; the full shape goes in a tooltip.
 */
export function formatShape(shape: (number | string)[]): string {
  return `[${shape.map((d) => (typeof d === "number" ? (d < 0 ? "?" : String(d)) : d.length <= 10 ? d : "?")).join(", ")}]`;
}

export function fullShape(shape: (number | string)[]): string {
  return `[${shape.join(", ")}]`;
}
