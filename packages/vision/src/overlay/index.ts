export { colorForIndex, parseColor, type Rgb } from "./color";
export { drawLine, fillCircle, fillRect, strokePolygon, strokeRect } from "./raster";
export { drawText, measureText, GLYPH_ADVANCE, GLYPH_HEIGHT, type TextOptions } from "./bitmap-font";
export { drawCaption, drawDetections, drawPoses, drawTextRegions, type DrawStyle, type PoseStyle } from "./draw-results";
export { renderDrawOps } from "./draw-ops";
