import type { BinaryOp, Expr } from "./ast";
import { deepEqual, FUNCTIONS, type CallScope, type ElementFn } from "./functions";
import { parseStandaloneExpression } from "./parse-expression";

/**
 * Expressions compile to closures once per rule, so evaluating a message walks no tree.
 * Semantics follow AWS IoT SQL: a missing field, a type mismatch or a division by zero is
 * `undefined` (AWS "Undefined"), which propagates and makes WHERE false; no evaluation throws.
 */
export interface EvalScope extends CallScope {
  /** The JSON value paths start from: the payload, or one array element inside a helper. */
  root: unknown;
}

export type Compiled = (scope: EvalScope) => unknown;

function field(value: unknown, name: string): unknown {
  // Own properties only: `__proto__` or `constructor` in a rule must not reach prototypes.
  if (typeof value !== "object" || value === null || Array.isArray(value)) return undefined;
  return Object.hasOwn(value, name) ? (value as Record<string, unknown>)[name] : undefined;
}

function indexed(value: unknown, index: unknown): unknown {
  if (typeof index === "string") return field(value, index);
  if (!Array.isArray(value) || typeof index !== "number" || !Number.isInteger(index) || index < 0) return undefined;
  return value[index];
}

function compare(op: BinaryOp, a: unknown, b: unknown): boolean | undefined {
  if (a === undefined || b === undefined) return undefined;
  if (op === "=") return deepEqual(a, b);
  if (op === "<>") return !deepEqual(a, b);
  const comparable = (typeof a === "number" && typeof b === "number") || (typeof a === "string" && typeof b === "string");
  if (!comparable) return undefined;
  const x = a as number | string;
  const y = b as number | string;
  switch (op) {
    case "<":
      return x < y;
    case "<=":
      return x <= y;
    case ">":
      return x > y;
    default:
      return x >= y;
  }
}

function arithmetic(op: BinaryOp, a: unknown, b: unknown): unknown {
  if (op === "+" && typeof a === "string" && typeof b === "string") return a + b;
  if (typeof a !== "number" || typeof b !== "number") return undefined;
  let out: number;
  switch (op) {
    case "+":
      out = a + b;
      break;
    case "-":
      out = a - b;
      break;
    case "*":
      out = a * b;
      break;
    case "/":
      if (b === 0) return undefined;
      out = a / b;
      break;
    default:
      if (b === 0) return undefined;
      out = a % b;
  }
  return Number.isFinite(out) ? out : undefined;
}

/** Kleene logic: false AND x is false, true OR x is true, anything else unknown is undefined. */
function logic(op: "AND" | "OR", left: Compiled, right: Compiled): Compiled {
  const decisive = op === "OR";
  return (scope) => {
    const a = left(scope);
    if (a === decisive) return decisive;
    const b = right(scope);
    if (b === decisive) return decisive;
    return a === !decisive && b === !decisive ? !decisive : undefined;
  };
}

export function compileExpression(expr: Expr): Compiled {
  switch (expr.kind) {
    case "literal": {
      const value = expr.value;
      return () => value;
    }
    case "field": {
      const name = expr.name;
      return (scope) => field(scope.root, name);
    }
    case "member": {
      const object = compileExpression(expr.object);
      const name = expr.name;
      return (scope) => field(object(scope), name);
    }
    case "index": {
      const object = compileExpression(expr.object);
      const index = compileExpression(expr.index);
      return (scope) => indexed(object(scope), index(scope));
    }
    case "unary": {
      const operand = compileExpression(expr.operand);
      if (expr.op === "NOT") {
        return (scope) => {
          const v = operand(scope);
          return typeof v === "boolean" ? !v : undefined;
        };
      }
      return (scope) => {
        const v = operand(scope);
        return typeof v === "number" ? -v : undefined;
      };
    }
    case "binary":
      return compileBinary(expr.op, compileExpression(expr.left), compileExpression(expr.right));
    case "call":
      return compileCall(expr);
  }
}

function compileBinary(op: BinaryOp, left: Compiled, right: Compiled): Compiled {
  if (op === "AND" || op === "OR") return logic(op, left, right);
  if (op === "=" || op === "<>" || op === "<" || op === "<=" || op === ">" || op === ">=") {
    return (scope) => compare(op, left(scope), right(scope));
  }
  return (scope) => arithmetic(op, left(scope), right(scope));
}

function compileCall(expr: Extract<Expr, { kind: "call" }>): Compiled {
  const spec = FUNCTIONS[expr.name];
  if (!spec) throw new Error(`unknown function ${expr.name}`); // the parser already refused it
  const pathSet = new Set(spec.pathArgs ?? []);
  const args = expr.args.map((a, i) => (pathSet.has(i) ? () => undefined : compileExpression(a)));
  const pathExprs: (Compiled | undefined)[] = expr.args.map((a, i) =>
    pathSet.has(i) && a.kind === "literal" && typeof a.value === "string" ? compileExpression(parseStandaloneExpression(a.value)) : undefined,
  );
  const noPaths: (ElementFn | undefined)[] = [];
  return (scope) => {
    const values = args.map((a) => a(scope));
    const paths =
      pathSet.size === 0
        ? noPaths
        : pathExprs.map((p) => (p ? (element: unknown) => p({ root: element, topic: scope.topic, clientId: scope.clientId, timestamp: scope.timestamp }) : undefined));
    return spec.call(values, scope, paths);
  };
}
