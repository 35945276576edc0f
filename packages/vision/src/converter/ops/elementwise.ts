import { attrDtype, attrFloat } from "../attrs";
import { floatAttr, intAttr, ONNX_DTYPE } from "../graph-builder";
import type { NodeContext, OpMapper } from "../node-context";

const isFloat = (dtype: string): boolean => dtype.startsWith("float");

function unary(onnxOp: string): OpMapper {
  return (ctx) => ctx.emit(onnxOp, [ctx.input(0)], [ctx.output()]);
}

function binary(onnxOp: string, outBool = false): OpMapper {
  return (ctx) => {
    ctx.emit(onnxOp, [ctx.input(0), ctx.input(1)], [ctx.output()]);
    if (outBool) ctx.setDtype(ctx.output(), "bool");
  };
}

/** Two ONNX ops in a row (x -> first -> second), e.g. Rsqrt = Reciprocal(Sqrt(x)). */
function chain(first: string, second: string, outBool = false): OpMapper {
  return (ctx) => {
    const mid = ctx.tmp(first.toLowerCase());
    const inputs = ctx.inputs.length > 1 ? [ctx.input(0), ctx.input(1)] : [ctx.input(0)];
    ctx.emit(first, inputs, [mid]);
    ctx.emit(second, [mid], [ctx.output()]);
    if (outBool) ctx.setDtype(ctx.output(), "bool");
  };
}

const square = (ctx: NodeContext, x: string, out: string): void => ctx.emit("Mul", [x, x], [out]);

const relu6: OpMapper = (ctx) => {
  const dtype = ctx.dtype(0);
  if (dtype !== "float32" && dtype !== "int32") throw ctx.fail(`Relu6 on ${dtype} is not supported`);
  ctx.emit("Clip", [ctx.input(0), ctx.g.scalar(0, dtype), ctx.g.scalar(6, dtype)], [ctx.output()]);
};

const squaredDifference: OpMapper = (ctx) => {
  const diff = ctx.tmp("diff");
  ctx.emit("Sub", [ctx.input(0), ctx.input(1)], [diff]);
  square(ctx, diff, ctx.output());
};

/**
 * TF floors; ONNX integer Div truncates toward zero. For integers Mod(fmod=0) has the divisor's
 * sign (a floor modulo), so (a - mod) / b divides exactly. For floats: Floor(a / b).
 */
function floorModulo(ctx: NodeContext, a: string, b: string): string {
  if (!isFloat(ctx.dtype(0))) {
    const mod = ctx.tmp("mod");
    ctx.emit("Mod", [a, b], [mod], [intAttr("fmod", 0)]);
    return mod;
  }
  // ONNX Mod on floats needs fmod=1 (C fmod, truncating); build a - floor(a / b) * b instead.
  const q = floorQuotient(ctx, a, b);
  const qb = ctx.tmp("qb");
  ctx.emit("Mul", [q, b], [qb]);
  const mod = ctx.tmp("mod");
  ctx.emit("Sub", [a, qb], [mod]);
  return mod;
}

function floorQuotient(ctx: NodeContext, a: string, b: string): string {
  const q = ctx.tmp("quotient");
  if (isFloat(ctx.dtype(0))) {
    const div = ctx.tmp("div");
    ctx.emit("Div", [a, b], [div]);
    ctx.emit("Floor", [div], [q]);
    return q;
  }
  const diff = ctx.tmp("diff");
  ctx.emit("Sub", [a, floorModulo(ctx, a, b)], [diff]);
  ctx.emit("Div", [diff, b], [q]);
  return q;
}

const floorDiv: OpMapper = (ctx) => {
  ctx.emit("Identity", [floorQuotient(ctx, ctx.input(0), ctx.input(1))], [ctx.output()]);
};

const floorMod: OpMapper = (ctx) => {
  ctx.emit("Identity", [floorModulo(ctx, ctx.input(0), ctx.input(1))], [ctx.output()]);
};

const cast: OpMapper = (ctx) => {
  const to = attrDtype(ctx.node, "DstT");
  ctx.emit("Cast", [ctx.input(0)], [ctx.output()], [intAttr("to", ONNX_DTYPE[to])]);
  ctx.setDtype(ctx.output(), to);
};

const leakyRelu: OpMapper = (ctx) =>
  ctx.emit("LeakyRelu", [ctx.input(0)], [ctx.output()], [floatAttr("alpha", attrFloat(ctx.node, "alpha", 0.2))]);

const addN: OpMapper = (ctx) => ctx.emit("Sum", ctx.inputs.map((_, i) => ctx.input(i)), [ctx.output()]);

export const elementwiseOps: Record<string, OpMapper> = {
  Identity: unary("Identity"),
  StopGradient: unary("Identity"),
  Relu: unary("Relu"),
  Sigmoid: unary("Sigmoid"),
  Tanh: unary("Tanh"),
  Elu: unary("Elu"),
  Softplus: unary("Softplus"),
  Sqrt: unary("Sqrt"),
  Exp: unary("Exp"),
  Log: unary("Log"),
  Neg: unary("Neg"),
  Abs: unary("Abs"),
  Floor: unary("Floor"),
  Ceil: unary("Ceil"),
  Reciprocal: unary("Reciprocal"),
  LogicalNot: unary("Not"),
  Rsqrt: chain("Sqrt", "Reciprocal"),
  Square: (ctx) => square(ctx, ctx.input(0), ctx.output()),
  Relu6: relu6,
  LeakyRelu: leakyRelu,
  Add: binary("Add"),
  AddV2: binary("Add"),
  AddN: addN,
  Sub: binary("Sub"),
  Mul: binary("Mul"),
  RealDiv: binary("Div"),
  Maximum: binary("Max"),
  Minimum: binary("Min"),
  Pow: binary("Pow"),
  SquaredDifference: squaredDifference,
  FloorDiv: floorDiv,
  FloorMod: floorMod,
  Equal: binary("Equal", true),
  NotEqual: chain("Equal", "Not", true),
  Less: binary("Less", true),
  LessEqual: binary("LessOrEqual", true),
  Greater: binary("Greater", true),
  GreaterEqual: binary("GreaterOrEqual", true),
  LogicalAnd: binary("And", true),
  LogicalOr: binary("Or", true),
  Cast: cast,
};
