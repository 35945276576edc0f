/**
 * SSD anchors as MediaPipe's SsdAnchorsCalculator generates them
 * (mediapipe/calculators/tflite/ssd_anchors_calculator.cc), for the options its face detectors use.
 */

export interface SsdAnchorOptions {
  inputWidth: number;
  inputHeight: number;
  numLayers: number;
  minScale: number;
  maxScale: number;
  strides: readonly number[];
  aspectRatios: readonly number[];
  anchorOffsetX?: number;
  anchorOffsetY?: number;
  /** 1.0 in the calculator's proto default: one extra anchor per layer; 0 disables it. */
  interpolatedScaleAspectRatio?: number;
  /** Anchors of size 1x1 (the regressors carry the size): true for BlazeFace. */
  fixedAnchorSize?: boolean;
}

/** One anchor: centre and size, normalized 0..1 of the input. */
export interface Anchor {
  x: number;
  y: number;
  w: number;
  h: number;
}

/**
 * face_detection_back (the 256x256 "back" BlazeFace, face_detection_back_cpu.pbtxt): 4 layers at
 * strides 16, 32, 32, 32, two anchors per layer: 16x16x2 = 512 anchors at stride 16 and
 * 8x8x6 = 384 at stride 32, the model's two output heads.
 */
export const BLAZEFACE_BACK_ANCHORS: SsdAnchorOptions = {
  inputWidth: 256,
  inputHeight: 256,
  numLayers: 4,
  minScale: 0.15625,
  maxScale: 0.75,
  strides: [16, 32, 32, 32],
  aspectRatios: [1.0],
  anchorOffsetX: 0.5,
  anchorOffsetY: 0.5,
  fixedAnchorSize: true,
};

function layerScale(min: number, max: number, index: number, count: number): number {
  return count === 1 ? (min + max) / 2 : min + ((max - min) * index) / (count - 1);
}

export interface SsdAnchors {
  /** In the order the model's regressors come out: layer group, row, column, anchor. */
  anchors: Anchor[];
  /** Anchors per group of same-stride layers: one model output head each. */
  groupSizes: number[];
}

export function generateSsdAnchors(o: SsdAnchorOptions): SsdAnchors {
  const anchors: Anchor[] = [];
  const groupSizes: number[] = [];
  const offsetX = o.anchorOffsetX ?? 0.5;
  const offsetY = o.anchorOffsetY ?? 0.5;
  const interpolated = o.interpolatedScaleAspectRatio ?? 1.0;
  let layer = 0;
  while (layer < o.numLayers) {
    const ratios: number[] = [];
    const scales: number[] = [];
    let last = layer;
    // Consecutive layers with the same stride share one feature map.
    while (last < o.strides.length && o.strides[last] === o.strides[layer]) {
      const scale = layerScale(o.minScale, o.maxScale, last, o.numLayers);
      for (const r of o.aspectRatios) {
        ratios.push(r);
        scales.push(scale);
      }
      if (interpolated > 0) {
        const next = last === o.numLayers - 1 ? 1.0 : layerScale(o.minScale, o.maxScale, last + 1, o.numLayers);
        scales.push(Math.sqrt(scale * next));
        ratios.push(interpolated);
      }
      last++;
    }
    const stride = o.strides[layer] as number;
    const rows = Math.ceil(o.inputHeight / stride);
    const cols = Math.ceil(o.inputWidth / stride);
    groupSizes.push(rows * cols * scales.length);
    for (let y = 0; y < rows; y++) {
      for (let x = 0; x < cols; x++) {
        for (let k = 0; k < scales.length; k++) {
          const sqrt = Math.sqrt(ratios[k] as number);
          const fixed = o.fixedAnchorSize === true;
          anchors.push({
            x: (x + offsetX) / cols,
            y: (y + offsetY) / rows,
            w: fixed ? 1 : (scales[k] as number) * sqrt,
            h: fixed ? 1 : (scales[k] as number) / sqrt,
          });
        }
      }
    }
    layer = last;
  }
  return { anchors, groupSizes };
}
