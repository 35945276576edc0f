import { EdgelensError } from "@edgelens/shared/errors";

/**
 * The parts of a TF.js graph model's model.json the converter reads (format "graph-model", see
 * tfjs-converter's `ModelArtifacts` and TensorFlow's NodeDef JSON encoding: int64 as strings,
 * bytes as base64).
 */
export interface TfjsAttrValue {
  s?: string;
  i?: string | number;
  f?: number;
  b?: boolean;
  type?: string;
  shape?: TfjsTensorShape;
  list?: { s?: string[]; i?: (string | number)[]; f?: number[]; b?: boolean[]; type?: string[] };
  tensor?: { dtype?: string; tensorShape?: TfjsTensorShape };
}

export interface TfjsTensorShape {
  dim?: { size?: string | number }[];
  unknownRank?: boolean;
}

export interface TfjsNode {
  name: string;
  op: string;
  input: string[];
  attr: Record<string, TfjsAttrValue>;
}

export interface TfjsQuantization {
  dtype: "float16" | "uint8" | "uint16";
  scale?: number;
  min?: number;
  original_dtype?: string;
}

export interface TfjsWeightSpec {
  name: string;
  shape: number[];
  dtype: string;
  quantization?: TfjsQuantization;
}

export interface TfjsWeightGroup {
  paths: string[];
  weights: TfjsWeightSpec[];
}

export interface TfjsSignatureEntry {
  name: string;
  dtype?: string;
  tensorShape?: TfjsTensorShape;
}

export interface TfjsSignature {
  inputs: Record<string, TfjsSignatureEntry>;
  outputs: Record<string, TfjsSignatureEntry>;
}

export interface TfjsGraphModel {
  format?: string;
  generatedBy?: string;
  convertedBy?: string;
  nodes: TfjsNode[];
  weightsManifest: TfjsWeightGroup[];
  signature?: TfjsSignature;
}

function invalid(message: string, detail: Record<string, unknown> = {}): EdgelensError {
  return new EdgelensError("INVALID_MODEL", `Invalid TF.js model.json: ${message}`, detail);
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

function parseNode(raw: unknown, index: number): TfjsNode {
  if (!isRecord(raw) || typeof raw.name !== "string" || typeof raw.op !== "string") {
    throw invalid(`modelTopology.node[${index}] needs string "name" and "op"`);
  }
  const input = raw.input ?? [];
  if (!Array.isArray(input) || !input.every((x) => typeof x === "string")) {
    throw invalid(`node "${raw.name}" has a non-string input list`, { node: raw.name });
  }
  const attr = raw.attr ?? {};
  if (!isRecord(attr)) throw invalid(`node "${raw.name}" has a malformed attr`, { node: raw.name });
  return { name: raw.name, op: raw.op, input: input as string[], attr: attr as Record<string, TfjsAttrValue> };
}

function parseWeightGroup(raw: unknown, index: number): TfjsWeightGroup {
  const where = `weightsManifest[${index}]`;
  if (!isRecord(raw) || !Array.isArray(raw.paths) || !Array.isArray(raw.weights)) {
    throw invalid(`${where} needs "paths" and "weights" arrays`);
  }
  if (!raw.paths.every((p) => typeof p === "string")) throw invalid(`${where}.paths must be strings`);
  const weights = raw.weights.map((w, j): TfjsWeightSpec => {
    if (
      !isRecord(w) ||
      typeof w.name !== "string" ||
      typeof w.dtype !== "string" ||
      !Array.isArray(w.shape) ||
      !w.shape.every((d) => Number.isInteger(d) && (d as number) >= 0)
    ) {
      throw invalid(`${where}.weights[${j}] needs "name", "dtype" and a non-negative integer "shape"`);
    }
    return w as unknown as TfjsWeightSpec;
  });
  return { paths: raw.paths as string[], weights };
}

function findSignature(json: Record<string, unknown>): TfjsSignature | undefined {
  // BlazeFace keeps its signature under userDefinedMetadata; most models have it at the top.
  const meta = isRecord(json.userDefinedMetadata) ? json.userDefinedMetadata : {};
  const sig = json.signature ?? meta.signature;
  if (!isRecord(sig) || !isRecord(sig.outputs)) return undefined;
  return {
    inputs: (isRecord(sig.inputs) ? sig.inputs : {}) as Record<string, TfjsSignatureEntry>,
    outputs: sig.outputs as Record<string, TfjsSignatureEntry>,
  };
}

/** Parses model.json (text or already-parsed object) and checks its structure. */
export function parseTfjsModelJson(source: string | object): TfjsGraphModel {
  let json: unknown = source;
  if (typeof source === "string") {
    try {
      json = JSON.parse(source);
    } catch (err) {
      throw new EdgelensError("INVALID_MODEL", `model.json is not valid JSON: ${(err as Error).message}`, {}, { cause: err });
    }
  }
  if (!isRecord(json)) throw invalid("top level must be an object");
  if (json.format !== undefined && json.format !== "graph-model") {
    throw invalid(`format is "${String(json.format)}", only "graph-model" is supported (layers models are not)`);
  }
  const topology = json.modelTopology;
  if (!isRecord(topology) || !Array.isArray(topology.node)) throw invalid('missing "modelTopology.node"');
  if (isRecord(topology.library) && Array.isArray(topology.library.function) && topology.library.function.length > 0) {
    throw new EdgelensError("UNSUPPORTED_OP", "TF.js graph models with control flow functions are not supported", {});
  }
  if (!Array.isArray(json.weightsManifest)) throw invalid('missing "weightsManifest"');
  return {
    format: typeof json.format === "string" ? json.format : undefined,
    generatedBy: typeof json.generatedBy === "string" ? json.generatedBy : undefined,
    convertedBy: typeof json.convertedBy === "string" ? json.convertedBy : undefined,
    nodes: topology.node.map(parseNode),
    weightsManifest: json.weightsManifest.map(parseWeightGroup),
    signature: findSignature(json),
  };
}
