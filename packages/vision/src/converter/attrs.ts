import { EdgelensError } from "@edgelens/shared/errors";
import type { TensorDtype } from "./graph-builder";
import type { TfjsNode } from "./tfjs-model";

const TF_DTYPES: Record<string, TensorDtype> = {
  DT_FLOAT: "float32",
  DT_HALF: "float16",
  DT_DOUBLE: "float64",
  DT_INT8: "int8",
  DT_INT16: "int16",
  DT_INT32: "int32",
  DT_INT64: "int64",
  DT_UINT8: "uint8",
  DT_UINT16: "uint16",
  DT_BOOL: "bool",
};

function unsupported(node: TfjsNode, why: string): EdgelensError {
  return new EdgelensError("UNSUPPORTED_OP", `${node.op} node "${node.name}": ${why}`, { op: node.op, node: node.name });
}

export function tfDtype(node: TfjsNode, name: string | undefined): TensorDtype {
  const dtype = name === undefined ? undefined : TF_DTYPES[name];
  if (!dtype) throw unsupported(node, `data type ${name ?? "(missing)"} is not supported`);
  return dtype;
}

export function attrInt(node: TfjsNode, key: string, fallback?: number): number {
  const v = node.attr[key]?.i;
  if (v === undefined) {
    if (fallback === undefined) throw unsupported(node, `missing attribute "${key}"`);
    return fallback;
  }
  return Number(v);
}

export function attrInts(node: TfjsNode, key: string, fallback?: number[]): number[] {
  const v = node.attr[key]?.list?.i;
  if (v === undefined) {
    if (fallback === undefined) throw unsupported(node, `missing attribute "${key}"`);
    return fallback;
  }
  return v.map(Number);
}

export function attrFloat(node: TfjsNode, key: string, fallback: number): number {
  return node.attr[key]?.f ?? fallback;
}

export function attrBool(node: TfjsNode, key: string, fallback: boolean): boolean {
  return node.attr[key]?.b ?? fallback;
}

/** TF string attributes reach model.json as base64 bytes. */
export function attrString(node: TfjsNode, key: string, fallback?: string): string {
  const v = node.attr[key]?.s;
  if (v === undefined) {
    if (fallback === undefined) throw unsupported(node, `missing attribute "${key}"`);
    return fallback;
  }
  return Buffer.from(v, "base64").toString("utf8");
}

export function attrStrings(node: TfjsNode, key: string): string[] {
  return (node.attr[key]?.list?.s ?? []).map((s) => Buffer.from(s, "base64").toString("utf8"));
}

export function attrDtype(node: TfjsNode, key: string): TensorDtype {
  return tfDtype(node, node.attr[key]?.type);
}

/** The dims of a shape attribute; -1 for unknown sizes, undefined for unknown rank. */
export function attrShape(node: TfjsNode, key: string): number[] | undefined {
  const shape = node.attr[key]?.shape;
  if (!shape || shape.unknownRank) return undefined;
  return (shape.dim ?? []).map((d) => Number(d.size ?? -1));
}
