import { eq, sql } from "drizzle-orm";
import { rules, type EdgelensDb } from "@edgelens/db";
import { formatZodError, RuleActionSchema } from "@edgelens/shared";
import { compileRule, type CompiledRule } from "@edgelens/shared/rules";
import { z } from "zod";
import type { RuleAction } from "./rule-action";
import type { RuleActionConfig } from "@edgelens/shared";

/** An enabled rule ready to run. */
export interface LoadedRule {
  id: string;
  name: string;
  compiled: CompiledRule;
  actions: RuleAction[];
  errorAction: RuleAction | null;
}

export interface RuleProblem {
  id: string;
  name: string;
  message: string;
}

export interface RuleSet {
  rules: LoadedRule[];
  problems: RuleProblem[];
  /** Changes whenever any rule row that matters for running changes. */
  fingerprint: string;
}

const ActionsSchema = z.array(RuleActionSchema).min(1).max(8);

interface RuleRow {
  id: string;
  name: string;
  sql: string;
  /** Raw JSON text: one row holding malformed JSON must not fail the whole read. */
  actions: string;
  errorAction: string | null;
  enabled: boolean;
  updatedAt: number | null;
}

function readRows(db: EdgelensDb): RuleRow[] {
  return db
    .select({
      id: rules.id,
      name: rules.name,
      sql: rules.sql,
      actions: sql<string>`${rules.actions}`,
      errorAction: sql<string | null>`${rules.errorAction}`,
      enabled: rules.enabled,
      updatedAt: rules.updatedAt,
    })
    .from(rules)
    .orderBy(rules.name)
    .all();
}

function parseJson(text: string, what: string): unknown {
  try {
    return JSON.parse(text);
  } catch (err) {
    throw new Error(`${what} is not JSON: ${(err as Error).message}`);
  }
}

function fingerprintOf(rows: RuleRow[]): string {
  return JSON.stringify(rows.map((r) => [r.id, r.name, r.sql, r.actions, r.errorAction, r.enabled, r.updatedAt]));
}

/**
 * Reads the rules table: each enabled row's SQL is compiled and its actions validated with
 * RuleActionSchema. A row that fails is reported (and left out) without affecting the others.
 */
export function loadRules(db: EdgelensDb, createAction: (config: RuleActionConfig) => RuleAction): RuleSet {
  const rows = readRows(db);
  const loaded: LoadedRule[] = [];
  const problems: RuleProblem[] = [];
  for (const row of rows) {
    if (!row.enabled) continue;
    try {
      loaded.push(buildRule(row, createAction));
    } catch (err) {
      problems.push({ id: row.id, name: row.name, message: (err as Error).message });
    }
  }
  return { rules: loaded, problems, fingerprint: fingerprintOf(rows) };
}

function buildRule(row: RuleRow, createAction: (config: RuleActionConfig) => RuleAction): LoadedRule {
  const compiled = compileRule(row.sql);
  const actions = ActionsSchema.safeParse(parseJson(row.actions, "actions"));
  if (!actions.success) throw new Error(`invalid actions: ${formatZodError(actions.error)}`);
  let errorAction: RuleAction | null = null;
  const rawErrorAction = row.errorAction === null ? null : parseJson(row.errorAction, "error action");
  if (rawErrorAction !== null) {
    const parsed = RuleActionSchema.safeParse(rawErrorAction);
    if (!parsed.success) throw new Error(`invalid error action: ${formatZodError(parsed.error)}`);
    errorAction = createAction(parsed.data);
  }
  return { id: row.id, name: row.name, compiled, actions: actions.data.map(createAction), errorAction };
}

/** Puts a load problem where the console shows rule errors. */
export function recordRuleProblem(db: EdgelensDb, problem: RuleProblem): void {
  db.update(rules).set({ lastError: problem.message.slice(0, 2000) }).where(eq(rules.id, problem.id)).run();
}
