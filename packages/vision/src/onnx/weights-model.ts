import { createWriteStream } from "node:fs";
import { finished } from "node:stream/promises";
import { encodeOnnxGraph, encodeOnnxModelFields, OnnxDataType, type OnnxValueInfoProto } from "./onnx-proto";
import { encodeLenField, encodeVarint } from "./proto-cursor";

/**
 * Writes a valid ONNX model that is almost all weights: y = x + w, x and w float [1, n]. The
 * weights are streamed out as zeros, so tests and benches can make a 1 GB upload without
 * holding it. `rawBytes` other than 4·n makes a model whose weights do not match their shape.
 */
export async function writeWeightsModel(path: string, elements: number, rawBytes = elements * 4): Promise<{ size: number }> {
  const tensor = (name: string): OnnxValueInfoProto => ({ name, type: { tensorType: { elemType: OnnxDataType.FLOAT, shape: { dim: [{ dimValue: 1 }, { dimValue: elements }] } } } });
  const model = encodeOnnxModelFields({
    irVersion: 8,
    opsetImport: [{ domain: "", version: 17 }],
    producerName: "edgelens-weights-model",
    producerVersion: "1",
    metadataProps: [{ key: "labels", value: "a,b" }],
  });
  const graph = encodeOnnxGraph({ name: "weights", node: [{ name: "add", opType: "Add", input: ["x", "w"], output: ["y"], attribute: [] }], initializer: [], input: [tensor("x")], output: [tensor("y")] });
  // TensorProto: dims (1), data_type (2), name (8), then raw_data (9) whose bytes follow.
  const tensorHead = Buffer.concat([
    Buffer.from([0x08]),
    encodeVarint(1),
    Buffer.from([0x08]),
    encodeVarint(elements),
    Buffer.from([0x10]),
    encodeVarint(OnnxDataType.FLOAT),
    ...encodeLenField(8, Buffer.from("w")),
    Buffer.from([0x4a]),
    encodeVarint(rawBytes),
  ]);
  const tensorLength = tensorHead.length + rawBytes;
  const initializerHead = Buffer.concat([Buffer.from([0x2a]), encodeVarint(tensorLength)]);
  const graphLength = graph.length + initializerHead.length + tensorLength;
  const head = Buffer.concat([model, Buffer.from([0x3a]), encodeVarint(graphLength), graph, initializerHead, tensorHead]);

  const out = createWriteStream(path);
  const write = (chunk: Uint8Array) => new Promise<void>((resolve, reject) => out.write(chunk, (err) => (err ? reject(err) : resolve())));
  await write(head);
  const zeros = Buffer.alloc(1024 * 1024);
  for (let left = rawBytes; left > 0; left -= zeros.length) await write(left >= zeros.length ? zeros : zeros.subarray(0, left));
  out.end();
  await finished(out);
  return { size: head.length + rawBytes };
}
