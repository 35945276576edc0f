import type { OpMapper } from "../node-context";
import { convOps } from "./conv";
import { elementwiseOps } from "./elementwise";
import { gatherOps } from "./gather";
import { layoutOps } from "./layout";
import { matMulOps } from "./matmul";
import { preluOps } from "./prelu";
import { reduceOps } from "./reduce";
import { shapeOps } from "./shape";
import { sliceOps } from "./slice";

/** TF op name -> mapper. Const and Placeholder are handled by graph assembly. */
export const OP_MAPPERS: Readonly<Record<string, OpMapper>> = {
  ...convOps,
  ...layoutOps,
  ...elementwiseOps,
  ...preluOps,
  ...shapeOps,
  ...sliceOps,
  ...gatherOps,
  ...reduceOps,
  ...matMulOps,
};

export const STRUCTURAL_OPS = new Set(["Const", "Placeholder", "NoOp"]);

export function supportedOps(): string[] {
  return [...STRUCTURAL_OPS, ...Object.keys(OP_MAPPERS)].sort();
}
