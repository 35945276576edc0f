/** Rules: stored here, run by the broker (docs/design.md "Rules"); parsed with the shared engine on save. */
import { asc, eq } from "drizzle-orm";
import { z } from "zod";
import { rules } from "@edgelens/db";
import { EdgelensError, RuleActionSchema, RuleDefinitionSchema, webhookUrlProblem, type RuleActionConfig, type RuleDefinition } from "@edgelens/shared";
import { compileRule, testRule as runRuleTest, type RuleTestResult } from "@edgelens/shared/rules";
import type { ServiceContext } from "../context";
import { newId } from "../ids";
import { maskAction, restoreMaskedErrorAction, restoreMaskedHeaders } from "./rule-secrets";

export type { RuleTestResult };

export interface RuleView {
  id: string;
  name: string;
  sql: string;
  actions: RuleActionConfig[];
  errorAction: RuleActionConfig | null;
  enabled: boolean;
  executions: number;
  errors: number;
  lastError: string | null;
  createdAt: number;
  updatedAt: number | null;
}

export const RuleUpdateSchema = z
  .object({
    name: RuleDefinitionSchema.shape.name.optional(),
    sql: RuleDefinitionSchema.shape.sql.optional(),
    actions: z.array(RuleActionSchema).min(1).max(8).optional(),
    errorAction: RuleActionSchema.nullable().optional(),
    enabled: z.boolean().optional(),
  })
  .strict();

export const RuleTestSchema = z
  .object({
    sql: z.string().min(1).max(8192),
    topic: z.string().min(1).max(1024),
    payload: z.unknown(),
    clientId: z.string().optional(),
    /** Republish topic templates to render against the output. */
    templates: z.array(z.string().min(1).max(512)).max(8).optional(),
  })
  .strict();

type RuleRow = typeof rules.$inferSelect;

function view(row: RuleRow): RuleView {
  return {
    id: row.id,
    name: row.name,
    sql: row.sql,
    actions: (row.actions as RuleActionConfig[]).map(maskAction),
    errorAction: row.errorAction ? maskAction(row.errorAction as RuleActionConfig) : null,
    enabled: row.enabled,
    executions: row.executions,
    errors: row.errors,
    lastError: row.lastError,
    createdAt: row.createdAt,
    updatedAt: row.updatedAt,
  };
}

function findRule(ctx: ServiceContext, id: string): RuleRow {
  const row = ctx.db.select().from(rules).where(eq(rules.id, id)).get();
  if (!row) throw new EdgelensError("NOT_FOUND", `no rule ${id}`, { ruleId: id });
  return row;
}

function nameTaken(ctx: ServiceContext, name: string, except?: string): boolean {
  const row = ctx.db.select({ id: rules.id }).from(rules).where(eq(rules.name, name)).get();
  return row !== undefined && row.id !== except;
}

export function listRules(ctx: ServiceContext): RuleView[] {
  return ctx.db.select().from(rules).orderBy(asc(rules.name)).all().map(view);
}

export function getRule(ctx: ServiceContext, id: string): RuleView {
  return view(findRule(ctx, id));
}

/** Throws RULE_PARSE_ERROR (context: line, column, expected) for SQL the broker could not run. */
export function checkRuleSql(sql: string): void {
  compileRule(sql);
}

/**
 * Webhook targets the broker would refuse (loopback, private, reserved, unless EDGELENS_WEBHOOK_ALLOW)
 * are refused on save too, with the same shared check; names are resolved by the broker at each call.
 */
function checkWebhookTargets(ctx: ServiceContext, actions: readonly RuleActionConfig[], errorAction: RuleActionConfig | null | undefined): void {
  const all = [...actions.map((a, i) => [`actions[${i}]`, a] as const), ...(errorAction ? [["errorAction", errorAction] as const] : [])];
  for (const [where, action] of all) {
    if (action.type !== "webhook") continue;
    const problem = webhookUrlProblem(action.url, ctx.config.webhookAllow);
    if (problem) throw new EdgelensError("INVALID_PAYLOAD", `${where}.url: ${problem}`, { url: action.url });
  }
}

export function createRule(ctx: ServiceContext, input: z.input<typeof RuleDefinitionSchema>): RuleView {
  const def: RuleDefinition = RuleDefinitionSchema.parse(input);
  checkRuleSql(def.sql);
  checkWebhookTargets(ctx, def.actions, def.errorAction);
  if (nameTaken(ctx, def.name)) throw new EdgelensError("CONFLICT", `a rule named ${def.name} exists`, { name: def.name });
  const row = ctx.db
    .insert(rules)
    .values({ id: newId("rul"), name: def.name, sql: def.sql, actions: def.actions, errorAction: def.errorAction ?? null, enabled: def.enabled })
    .returning()
    .get();
  return view(row);
}

export function updateRule(ctx: ServiceContext, id: string, input: z.input<typeof RuleUpdateSchema>): RuleView {
  const parsed = RuleUpdateSchema.parse(input);
  const stored = findRule(ctx, id);
  const patch = {
    ...parsed,
    ...(parsed.actions ? { actions: restoreMaskedHeaders(parsed.actions, stored.actions as RuleActionConfig[]) } : {}),
    ...(parsed.errorAction !== undefined ? { errorAction: restoreMaskedErrorAction(parsed.errorAction, (stored.errorAction as RuleActionConfig | null) ?? null) } : {}),
  };
  if (patch.sql !== undefined) checkRuleSql(patch.sql);
  checkWebhookTargets(ctx, patch.actions ?? [], patch.errorAction);
  if (patch.name !== undefined && nameTaken(ctx, patch.name, id)) throw new EdgelensError("CONFLICT", `a rule named ${patch.name} exists`, { ruleId: id });
  // The broker counts executions against the rule as it is; a changed rule starts afresh.
  const reset = patch.sql !== undefined ? { executions: 0, errors: 0, lastError: null } : {};
  const row = ctx.db
    .update(rules)
    .set({ ...patch, ...reset, updatedAt: Date.now() })
    .where(eq(rules.id, id))
    .returning()
    .get();
  return view(row!);
}

export function setRuleEnabled(ctx: ServiceContext, id: string, enabled: boolean): RuleView {
  return updateRule(ctx, id, { enabled });
}

export function deleteRule(ctx: ServiceContext, id: string): void {
  findRule(ctx, id);
  ctx.db.delete(rules).where(eq(rules.id, id)).run();
}

/**
 * Runs the SQL on one sample message with the engine the broker uses, and renders republish
 * topic templates; bad SQL comes back as `{ok: false, error: {line, column, expected}}`.
 */
export function testRule(input: z.input<typeof RuleTestSchema>): RuleTestResult {
  const t = RuleTestSchema.parse(input);
  return runRuleTest(t.sql, { topic: t.topic, payload: t.payload, clientId: t.clientId ?? null }, t.templates ?? []);
}
