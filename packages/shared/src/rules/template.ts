import { compileExpression, type Compiled } from "./compile-expression";
import { parseEmbeddedExpression } from "./parse-expression";
import { RuleEvalError, RuleParseError } from "./rule-errors";

/**
 * `${...}` templates of rule actions (republish topics). A placeholder holds an expression over
 * the rule's SELECT output: `alerts/${device}`, `counts/${upper(label)}`, `x/${topic(3)}`.
 */
export interface TemplateScope {
  topic: string;
  clientId?: string | null;
  timestamp?: number;
}

export interface RenderOptions {
  /**
   * Each placeholder fills part of one topic level: values with '/', '+', '#' or NUL are refused,
   * so a payload field cannot steer a republish onto another device's topics.
   */
  topicSafe?: boolean;
}

export interface CompiledTemplate {
  source: string;
  /** The placeholder expressions as written. */
  placeholders: readonly string[];
  /** Throws RuleEvalError when a placeholder is undefined, null, not a scalar, or unsafe. */
  render(values: Record<string, unknown>, scope: TemplateScope, options?: RenderOptions): string;
}

type Part = { text: string } | { source: string; value: Compiled };

function closingBrace(template: string, from: number): number {
  let quote: string | null = null;
  for (let i = from; i < template.length; i++) {
    const c = template[i];
    if (quote) {
      if (c === "\\") i++;
      else if (c === quote) quote = null;
    } else if (c === "'" || c === '"' || c === "`") {
      quote = c;
    } else if (c === "}") {
      return i;
    }
  }
  return -1;
}

export function compileTemplate(template: string): CompiledTemplate {
  const parts: Part[] = [];
  const placeholders: string[] = [];
  let text = "";
  let i = 0;
  while (i < template.length) {
    if (template[i] === "$" && template[i + 1] === "{") {
      const close = closingBrace(template, i + 2);
      if (close < 0) throw new RuleParseError(template, i, ["'}'"], "end of input", "unterminated placeholder '${' starting here");
      const source = template.slice(i + 2, close);
      if (source.trim() === "") throw new RuleParseError(template, i, ["an expression"], "'}'", "empty placeholder '${}'");
      const expr = parseEmbeddedExpression(template, source, i + 2, "placeholder");
      if (text) parts.push({ text });
      text = "";
      parts.push({ source, value: compileExpression(expr) });
      placeholders.push(source);
      i = close + 1;
      continue;
    }
    text += template[i];
    i++;
  }
  if (text) parts.push({ text });
  return {
    source: template,
    placeholders,
    render(values, scope, options = {}) {
      const evalScope = { root: values, topic: scope.topic, clientId: scope.clientId ?? null, timestamp: scope.timestamp ?? Date.now() };
      let out = "";
      for (const part of parts) {
        if ("text" in part) {
          out += part.text;
          continue;
        }
        out += renderValue(part.source, part.value(evalScope), template, options);
      }
      return out;
    },
  };
}

function renderValue(source: string, value: unknown, template: string, options: RenderOptions): string {
  if (value === undefined || value === null) {
    throw new RuleEvalError(`template '${template}': \${${source}} is ${value === null ? "null" : "undefined"}`, { template, placeholder: source });
  }
  if (typeof value !== "string" && typeof value !== "number" && typeof value !== "boolean") {
    throw new RuleEvalError(`template '${template}': \${${source}} is not a string, number or boolean`, { template, placeholder: source });
  }
  const text = String(value);
  if (options.topicSafe && (text === "" || /[/+#]/.test(text) || text.includes("\u0000"))) {
    throw new RuleEvalError(`template '${template}': \${${source}} = '${text}' may not be empty or contain '/', '+', '#' in a topic`, {
      template,
      placeholder: source,
    });
  }
  return text;
}
