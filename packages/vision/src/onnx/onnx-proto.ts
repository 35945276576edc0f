import protobuf from "protobufjs";

/**
 * The subset of onnx.proto (https://github.com/onnx/onnx/blob/main/onnx/onnx.proto) that the
 * converter writes and the inspector reads, as a protobufjs reflection descriptor. Field ids are
 * the spec's; fields we never touch are left out (protobuf skips unknown fields when decoding).
 */
const descriptor = {
  nested: {
    onnx: {
      nested: {
        ModelProto: {
          fields: {
            irVersion: { type: "int64", id: 1 },
            opsetImport: { rule: "repeated", type: "OperatorSetIdProto", id: 8 },
            producerName: { type: "string", id: 2 },
            producerVersion: { type: "string", id: 3 },
            domain: { type: "string", id: 4 },
            modelVersion: { type: "int64", id: 5 },
            docString: { type: "string", id: 6 },
            graph: { type: "GraphProto", id: 7 },
            metadataProps: { rule: "repeated", type: "StringStringEntryProto", id: 14 },
          },
        },
        OperatorSetIdProto: {
          fields: { domain: { type: "string", id: 1 }, version: { type: "int64", id: 2 } },
        },
        StringStringEntryProto: {
          fields: { key: { type: "string", id: 1 }, value: { type: "string", id: 2 } },
        },
        GraphProto: {
          fields: {
            node: { rule: "repeated", type: "NodeProto", id: 1 },
            name: { type: "string", id: 2 },
            initializer: { rule: "repeated", type: "TensorProto", id: 5 },
            docString: { type: "string", id: 10 },
            input: { rule: "repeated", type: "ValueInfoProto", id: 11 },
            output: { rule: "repeated", type: "ValueInfoProto", id: 12 },
          },
        },
        NodeProto: {
          fields: {
            input: { rule: "repeated", type: "string", id: 1 },
            output: { rule: "repeated", type: "string", id: 2 },
            name: { type: "string", id: 3 },
            opType: { type: "string", id: 4 },
            attribute: { rule: "repeated", type: "AttributeProto", id: 5 },
            domain: { type: "string", id: 7 },
          },
        },
        AttributeProto: {
          fields: {
            name: { type: "string", id: 1 },
            f: { type: "float", id: 2 },
            i: { type: "int64", id: 3 },
            s: { type: "bytes", id: 4 },
            t: { type: "TensorProto", id: 5 },
            floats: { rule: "repeated", type: "float", id: 7 },
            ints: { rule: "repeated", type: "int64", id: 8 },
            type: { type: "int32", id: 20 },
          },
        },
        TensorProto: {
          fields: {
            dims: { rule: "repeated", type: "int64", id: 1 },
            dataType: { type: "int32", id: 2 },
            name: { type: "string", id: 8 },
            rawData: { type: "bytes", id: 9 },
          },
        },
        ValueInfoProto: {
          fields: { name: { type: "string", id: 1 }, type: { type: "TypeProto", id: 2 } },
        },
        TypeProto: {
          fields: { tensorType: { type: "TypeProtoTensor", id: 1 } },
        },
        TypeProtoTensor: {
          fields: { elemType: { type: "int32", id: 1 }, shape: { type: "TensorShapeProto", id: 2 } },
        },
        TensorShapeProto: {
          fields: { dim: { rule: "repeated", type: "Dimension", id: 1 } },
        },
        Dimension: {
          fields: { dimValue: { type: "int64", id: 1 }, dimParam: { type: "string", id: 2 } },
        },
      },
    },
  },
};

/** TensorProto.DataType values from onnx.proto. */
export const OnnxDataType = {
  FLOAT: 1,
  UINT8: 2,
  INT8: 3,
  UINT16: 4,
  INT16: 5,
  INT32: 6,
  INT64: 7,
  BOOL: 9,
  FLOAT16: 10,
  DOUBLE: 11,
} as const;
export type OnnxDataTypeCode = (typeof OnnxDataType)[keyof typeof OnnxDataType];

/** AttributeProto.AttributeType values from onnx.proto. */
export const OnnxAttributeType = { FLOAT: 1, INT: 2, STRING: 3, TENSOR: 4, FLOATS: 6, INTS: 7 } as const;

export interface OnnxTensorProto {
  name: string;
  dims: number[];
  dataType: number;
  rawData: Uint8Array;
}

export interface OnnxAttributeProto {
  name: string;
  type: number;
  f?: number;
  i?: number;
  s?: Uint8Array;
  t?: OnnxTensorProto;
  floats?: number[];
  ints?: number[];
}

export interface OnnxNodeProto {
  name: string;
  opType: string;
  input: string[];
  output: string[];
  attribute: OnnxAttributeProto[];
  domain?: string;
}

export interface OnnxDimension {
  dimValue?: number;
  dimParam?: string;
}

export interface OnnxValueInfoProto {
  name: string;
  type: { tensorType: { elemType: number; shape?: { dim: OnnxDimension[] } } };
}

export interface OnnxGraphProto {
  name: string;
  node: OnnxNodeProto[];
  initializer: OnnxTensorProto[];
  input: OnnxValueInfoProto[];
  output: OnnxValueInfoProto[];
}

export interface OnnxModelProto {
  irVersion: number;
  opsetImport: { domain: string; version: number }[];
  producerName: string;
  producerVersion: string;
  graph: OnnxGraphProto;
  metadataProps?: { key: string; value: string }[];
}

const root = protobuf.Root.fromJSON(descriptor);
const ModelType = root.lookupType("onnx.ModelProto");

export function encodeOnnxModel(model: OnnxModelProto): Uint8Array {
  return ModelType.encode(ModelType.fromObject(model)).finish();
}

const GraphType = root.lookupType("onnx.GraphProto");

export function encodeOnnxGraph(graph: OnnxGraphProto): Uint8Array {
  return GraphType.encode(GraphType.fromObject(graph)).finish();
}

/** A ModelProto without its graph (fields may come in any order: the graph can follow). */
export function encodeOnnxModelFields(model: Omit<OnnxModelProto, "graph">): Uint8Array {
  return ModelType.encode(ModelType.fromObject(model)).finish();
}

const ValueInfoType = root.lookupType("onnx.ValueInfoProto");

export function encodeValueInfo(info: OnnxValueInfoProto): Uint8Array {
  return ValueInfoType.encode(ValueInfoType.fromObject(info)).finish();
}

/** The name of an encoded ValueInfoProto. */
export function valueInfoName(bytes: Uint8Array): string {
  return (ValueInfoType.decode(bytes) as unknown as { name?: string }).name ?? "";
}

/** What the inspector reads from the file header: everything but the graph's bulk. */
export interface OnnxModelHeader {
  irVersion?: number;
  producerName?: string;
  producerVersion?: string;
  opsetImport: { domain: string; version: number }[];
  graphName?: string;
  nodeCount: number;
  metadataProps: { key: string; value: string }[];
}

/** protobufjs hands int64 back as a Long when the `long` package is present, else a number. */
function toNumber(v: unknown): number | undefined {
  if (v === undefined || v === null) return undefined;
  if (typeof v === "number") return v;
  return Number(String(v));
}

/** Decodes a model's header fields; throws protobufjs' error on bytes that are not a ModelProto. */
export function decodeOnnxModelHeader(bytes: Uint8Array): OnnxModelHeader {
  // Why not toObject(): it would copy every initializer's bytes into plain arrays.
  const msg = ModelType.decode(bytes) as unknown as {
    irVersion?: unknown;
    producerName?: string;
    producerVersion?: string;
    opsetImport?: { domain?: string; version?: unknown }[];
    graph?: { name?: string; node?: unknown[] } | null;
    metadataProps?: { key?: string; value?: string }[];
  };
  return {
    irVersion: toNumber(msg.irVersion),
    producerName: msg.producerName || undefined,
    producerVersion: msg.producerVersion || undefined,
    opsetImport: (msg.opsetImport ?? []).map((o) => ({ domain: o.domain ?? "", version: toNumber(o.version) ?? 0 })),
    graphName: msg.graph?.name || undefined,
    nodeCount: msg.graph?.node?.length ?? 0,
    metadataProps: (msg.metadataProps ?? []).map((p) => ({ key: p.key ?? "", value: p.value ?? "" })),
  };
}

/**
 * Decodes a whole model (graph, initializers) for rewriting. Initializer bytes stay views into
 * `bytes`; int64 fields come back as numbers.
 */
export function decodeOnnxModel(bytes: Uint8Array): OnnxModelProto {
  const msg = ModelType.decode(bytes);
  const obj = ModelType.toObject(msg, { longs: Number, arrays: true, defaults: false }) as OnnxModelProto;
  obj.graph.node = obj.graph.node.map((n) => ({ ...n, name: n.name ?? "", attribute: n.attribute ?? [], input: n.input ?? [], output: n.output ?? [] }));
  obj.graph.initializer = obj.graph.initializer.map((t) => ({ ...t, name: t.name ?? "", dims: t.dims ?? [], rawData: t.rawData ?? new Uint8Array(0) }));
  return obj;
}
