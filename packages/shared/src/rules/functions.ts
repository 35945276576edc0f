import { topicLevel } from "../topics";

/**
 * Built-in functions. None aggregates across messages: each sees one message only, which is
 * what keeps rule evaluation a pure function of (payload, topic, client, time).
 * `pathArgs` are argument positions that must be string literals holding a path (or any
 * expression) evaluated against each array element, e.g. `max(detections, 'score')`.
 */
export interface CallScope {
  topic: string;
  clientId: string | null;
  timestamp: number;
}

export type ElementFn = (element: unknown) => unknown;

export interface FunctionSpec {
  minArgs: number;
  maxArgs: number;
  pathArgs?: readonly number[];
  /** `args[i]` is the evaluated argument, or for a path argument the element evaluator. */
  call(args: readonly unknown[], scope: CallScope, paths: readonly (ElementFn | undefined)[]): unknown;
}

function numbersOf(list: unknown, path: ElementFn | undefined): number[] | undefined {
  if (!Array.isArray(list)) return undefined;
  const out: number[] = [];
  for (const element of list) {
    const v = path ? path(element) : element;
    if (typeof v === "number" && Number.isFinite(v)) out.push(v);
  }
  return out;
}

function num(v: unknown): number | undefined {
  return typeof v === "number" && Number.isFinite(v) ? v : undefined;
}

function deepEqual(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (typeof a !== "object" || typeof b !== "object" || a === null || b === null) return false;
  if (Array.isArray(a) !== Array.isArray(b)) return false;
  const ka = Object.keys(a);
  const kb = Object.keys(b);
  if (ka.length !== kb.length) return false;
  return ka.every((k) => Object.hasOwn(b, k) && deepEqual((a as Record<string, unknown>)[k], (b as Record<string, unknown>)[k]));
}

export { deepEqual };

const aggregate = (pick: (values: number[]) => number | undefined): FunctionSpec => ({
  minArgs: 1,
  maxArgs: 2,
  pathArgs: [1],
  call: ([list], _scope, [, path]) => {
    const values = numbersOf(list, path);
    return values && values.length > 0 ? pick(values) : undefined;
  },
});

const unaryNumber = (fn: (x: number) => number): FunctionSpec => ({
  minArgs: 1,
  maxArgs: 1,
  call: ([x]) => {
    const n = num(x);
    return n === undefined ? undefined : fn(n);
  },
});

const unaryString = (fn: (s: string) => unknown): FunctionSpec => ({
  minArgs: 1,
  maxArgs: 1,
  call: ([s]) => (typeof s === "string" ? fn(s) : undefined),
});

export const FUNCTIONS: Readonly<Record<string, FunctionSpec>> = {
  topic: {
    minArgs: 0,
    maxArgs: 1,
    call: ([n], scope) => {
      if (n === undefined) return scope.topic;
      const i = num(n);
      return i === undefined || !Number.isInteger(i) ? undefined : topicLevel(scope.topic, i);
    },
  },
  clientid: { minArgs: 0, maxArgs: 0, call: (_a, scope) => scope.clientId ?? undefined },
  timestamp: { minArgs: 0, maxArgs: 0, call: (_a, scope) => scope.timestamp },
  /** `count(list)` = its length; `count(list, 'path', value)` = elements whose path equals value. */
  count: {
    minArgs: 1,
    maxArgs: 3,
    pathArgs: [1],
    call: ([list, , value], _scope, [, path]) => {
      if (!Array.isArray(list)) return undefined;
      if (!path) return list.length;
      if (value === undefined) return list.filter((e) => path(e) !== undefined).length;
      return list.filter((e) => deepEqual(path(e), value)).length;
    },
  },
  max: aggregate((v) => v.reduce((a, b) => (b > a ? b : a))),
  min: aggregate((v) => v.reduce((a, b) => (b < a ? b : a))),
  sum: aggregate((v) => v.reduce((a, b) => a + b, 0)),
  avg: aggregate((v) => v.reduce((a, b) => a + b, 0) / v.length),
  abs: unaryNumber(Math.abs),
  floor: unaryNumber(Math.floor),
  ceil: unaryNumber(Math.ceil),
  round: {
    minArgs: 1,
    maxArgs: 2,
    call: ([x, digits]) => {
      const n = num(x);
      const d = digits === undefined ? 0 : num(digits);
      if (n === undefined || d === undefined || !Number.isInteger(d) || d < 0 || d > 15) return undefined;
      const f = 10 ** d;
      return Math.round(n * f) / f;
    },
  },
  lower: unaryString((s) => s.toLowerCase()),
  upper: unaryString((s) => s.toUpperCase()),
  length: {
    minArgs: 1,
    maxArgs: 1,
    call: ([v]) => (typeof v === "string" || Array.isArray(v) ? v.length : undefined),
  },
  startswith: {
    minArgs: 2,
    maxArgs: 2,
    call: ([s, p]) => (typeof s === "string" && typeof p === "string" ? s.startsWith(p) : undefined),
  },
  concat: {
    minArgs: 1,
    maxArgs: 16,
    call: (args) => (args.every((a) => typeof a === "string" || typeof a === "number") ? args.join("") : undefined),
  },
  coalesce: {
    minArgs: 1,
    maxArgs: 16,
    call: (args) => args.find((a) => a !== undefined && a !== null),
  },
  isundefined: { minArgs: 1, maxArgs: 1, call: ([v]) => v === undefined },
  isnull: { minArgs: 1, maxArgs: 1, call: ([v]) => v === null },
};

export const FUNCTION_NAMES = Object.keys(FUNCTIONS);
