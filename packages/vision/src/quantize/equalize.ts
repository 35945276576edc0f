import { OnnxDataType, type OnnxModelProto, type OnnxNodeProto } from "../onnx/onnx-proto";
import { GraphIndex } from "./graph-index";

/**
 * Cross-layer equalisation (Nagel et al., 2019): for Conv A -> [Relu] -> Conv B, divide A's
 * output channel c by s_c and multiply B's input channel c by s_c, which leaves the float result
 * unchanged (Relu commutes with positive scales) but evens out the per-channel ranges of A's
 * output. Per-tensor uint8 activations then stop losing the small channels of MobileNet's
 * depthwise layers to one large channel. Returns how many pairs it equalised.
 */
export function equalizeConvPairs(model: OnnxModelProto, rounds = 2): number {
  let pairs = 0;
  for (let round = 0; round < rounds; round++) {
    const index = new GraphIndex(model.graph);
    for (const a of model.graph.node) {
      if (a.opType !== "Conv") continue;
      const b = nextConv(index, a);
      if (b && equalizePair(model, index, a, b)) pairs++;
    }
  }
  return pairs;
}

function attr(node: OnnxNodeProto, name: string): number | undefined {
  const at = node.attribute.find((x) => x.name === name);
  return at?.i === undefined ? undefined : Number(at.i);
}

function nextConv(index: GraphIndex, a: OnnxNodeProto): OnnxNodeProto | undefined {
  let out = a.output[0] as string;
  let readers = index.consumersOf(out);
  if (index.graphOutputs.has(out) || readers.length !== 1) return undefined;
  if (readers[0]?.opType === "Relu") {
    out = readers[0].output[0] as string;
    readers = index.consumersOf(out);
    if (index.graphOutputs.has(out) || readers.length !== 1) return undefined;
  }
  const b = readers[0];
  return b?.opType === "Conv" && b.input[0] === out ? b : undefined;
}

function setFloat(model: OnnxModelProto, name: string, data: Float32Array): void {
  const t = model.graph.initializer.find((x) => x.name === name);
  if (!t) return;
  t.dataType = OnnxDataType.FLOAT;
  t.rawData = new Uint8Array(data.buffer, data.byteOffset, data.byteLength);
}

function equalizePair(model: OnnxModelProto, index: GraphIndex, a: OnnxNodeProto, b: OnnxNodeProto): boolean {
  const wa = index.floatConstant(a.input[1] as string);
  const wb = index.floatConstant(b.input[1] as string);
  if (!wa || !wb || (index.consumersOf(a.input[1] as string).length !== 1) || index.consumersOf(b.input[1] as string).length !== 1) return false;
  const channels = wa.dims[0] as number;
  const bGroup = attr(b, "group") ?? 1;
  const depthwiseB = bGroup === channels && wb.dims[0] === channels && wb.dims[1] === 1;
  if (!depthwiseB && (bGroup !== 1 || wb.dims[1] !== channels)) return false;
  const perA = wa.data.length / channels;
  const outB = wb.dims[0] as number;
  const perB = wb.data.length / outB / (depthwiseB ? 1 : channels);
  const scales = new Float32Array(channels);
  for (let c = 0; c < channels; c++) {
    let r1 = 0;
    for (let i = c * perA; i < (c + 1) * perA; i++) r1 = Math.max(r1, Math.abs(wa.data[i] as number));
    let r2 = 0;
    if (depthwiseB) for (let i = c * perB; i < (c + 1) * perB; i++) r2 = Math.max(r2, Math.abs(wb.data[i] as number));
    else for (let o = 0; o < outB; o++) for (let i = (o * channels + c) * perB; i < (o * channels + c + 1) * perB; i++) r2 = Math.max(r2, Math.abs(wb.data[i] as number));
    scales[c] = r1 > 0 && r2 > 0 ? Math.sqrt(r1 / r2) : 1;
  }
  for (let c = 0; c < channels; c++) for (let i = c * perA; i < (c + 1) * perA; i++) wa.data[i] = (wa.data[i] as number) / (scales[c] as number);
  if (depthwiseB) for (let c = 0; c < channels; c++) for (let i = c * perB; i < (c + 1) * perB; i++) wb.data[i] = (wb.data[i] as number) * (scales[c] as number);
  else for (let o = 0; o < outB; o++) for (let c = 0; c < channels; c++) for (let i = (o * channels + c) * perB; i < (o * channels + c + 1) * perB; i++) wb.data[i] = (wb.data[i] as number) * (scales[c] as number);
  setFloat(model, a.input[1] as string, wa.data);
  setFloat(model, b.input[1] as string, wb.data);
  if (a.input[2]) {
    const ba = index.floatConstant(a.input[2]);
    if (ba && index.consumersOf(a.input[2]).length === 1) setFloat(model, a.input[2], Float32Array.from(ba.data, (v, c) => v / (scales[c] as number)));
    else if (ba) return false;
  }
  return true;
}
