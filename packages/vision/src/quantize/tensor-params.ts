/**
 * Quantisation parameters: uint8 asymmetric activations, int8 symmetric per-channel weights and
 * int32 biases at scale = input scale x weight scale, the scheme onnxruntime's QDQ fusions turn
 * into QLinearConv / QLinearMatMul kernels (u8s8, the VNNI fast path on x86).
 */
export interface ActivationParams {
  scale: number;
  zeroPoint: number;
}

export interface Range {
  min: number;
  max: number;
}

/** uint8 params covering [min, max] widened to include 0 (so that 0 and padding are exact). */
export function activationParams(range: Range): ActivationParams {
  const min = Math.min(0, range.min);
  const max = Math.max(0, range.max);
  const scale = max - min > 0 ? (max - min) / 255 : 1;
  const zeroPoint = Math.max(0, Math.min(255, Math.round(-min / scale)));
  return { scale, zeroPoint };
}

export interface PerChannelWeights {
  data: Int8Array;
  scales: Float32Array;
}

/** Symmetric int8 per output channel (axis 0), range [-127, 127]. */
export function quantizeWeightsPerChannel(weights: Float32Array, channels: number): PerChannelWeights {
  const per = weights.length / channels;
  const data = new Int8Array(weights.length);
  const scales = new Float32Array(channels);
  for (let c = 0; c < channels; c++) {
    let maxAbs = 0;
    for (let i = c * per; i < (c + 1) * per; i++) maxAbs = Math.max(maxAbs, Math.abs(weights[i] as number));
    const scale = maxAbs > 0 ? maxAbs / 127 : 1;
    scales[c] = scale;
    for (let i = c * per; i < (c + 1) * per; i++) data[i] = Math.max(-127, Math.min(127, Math.round((weights[i] as number) / scale)));
  }
  return { data, scales };
}

/** int32 bias with zero point 0 at the scale the integer accumulator has. */
export function quantizeBias(bias: Float32Array, inputScale: number, weightScales: Float32Array): { data: Int32Array; scales: Float32Array } {
  const scales = Float32Array.from(weightScales, (s) => s * inputScale);
  const data = Int32Array.from(bias, (b, i) => Math.round(b / (scales[i] as number)));
  return { data, scales };
}
