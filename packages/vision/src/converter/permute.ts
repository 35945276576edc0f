/** Transposes a dense row-major tensor: out dim i is input dim perm[i]. Works on any typed array. */
export function permute<T extends Float32Array | Uint16Array>(data: T, shape: number[], perm: number[]): T {
  const rank = shape.length;
  const outShape = perm.map((p) => shape[p] ?? 1);
  const inStrides = new Array<number>(rank).fill(1);
  for (let i = rank - 2; i >= 0; i--) inStrides[i] = (inStrides[i + 1] ?? 1) * (shape[i + 1] ?? 1);
  const strideOfOut = perm.map((p) => inStrides[p] ?? 0);
  const out = new (data.constructor as new (n: number) => T)(data.length);
  const index = new Array<number>(rank).fill(0);
  for (let o = 0; o < out.length; o++) {
    let src = 0;
    for (let d = 0; d < rank; d++) src += (index[d] ?? 0) * (strideOfOut[d] ?? 0);
    out[o] = data[src] ?? 0;
    for (let d = rank - 1; d >= 0; d--) {
      index[d] = (index[d] ?? 0) + 1;
      if ((index[d] ?? 0) < (outShape[d] ?? 1)) break;
      index[d] = 0;
    }
  }
  return out;
}
