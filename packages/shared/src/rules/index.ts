/**
 * The pure rule engine (docs/design.md "Rules"): parser, evaluator and templates of the AWS IoT SQL
 * subset. Browser-safe; the broker runs it per message, the console's "test" box per sample.
 */
export type { BinaryOp, Expr, RuleAst, SelectItem } from "./ast";
export { compileExpression, type Compiled, type EvalScope } from "./compile-expression";
export { compileRule, type CompiledRule, type RuleInput, type RuleResult } from "./compile-rule";
export { FUNCTION_NAMES } from "./functions";
export { tokenize, type Token } from "./lexer";
export { parseStandaloneExpression } from "./parse-expression";
export { parseRule } from "./parse-rule";
export { RuleEvalError, RuleParseError, locate, type SourcePosition } from "./rule-errors";
export { compileTemplate, type CompiledTemplate, type RenderOptions, type TemplateScope } from "./template";
export { testRule, type RenderedTemplate, type RuleSample, type RuleTestError, type RuleTestResult } from "./test-rule";
export { publishTopicProblem, topicFilterProblem } from "./topic-filter";
