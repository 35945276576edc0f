/** Syntax tree of a rule. Every node keeps the source offset it starts at, for error messages. */
export type BinaryOp = "OR" | "AND" | "=" | "<>" | "<" | "<=" | ">" | ">=" | "+" | "-" | "*" | "/" | "%";

export type Expr =
  | { kind: "literal"; value: string | number | boolean | null; pos: number }
  | { kind: "field"; name: string; pos: number }
  | { kind: "member"; object: Expr; name: string; pos: number }
  | { kind: "index"; object: Expr; index: Expr; pos: number }
  | { kind: "call"; name: string; args: Expr[]; pos: number }
  | { kind: "unary"; op: "-" | "NOT"; operand: Expr; pos: number }
  | { kind: "binary"; op: BinaryOp; left: Expr; right: Expr; pos: number };

export type SelectItem = { kind: "star"; pos: number } | { kind: "column"; expr: Expr; name: string; pos: number };

export interface RuleAst {
  select: SelectItem[];
  /** The MQTT topic filter of FROM. */
  from: string;
  fromPos: number;
  where: Expr | null;
}
