import type { Command } from "commander";
import { parseJsonOption, printJson, printLine, table, withContext } from "../runtime";
import { filters } from "@edgelens/shared/topics";

const collect = (value: string, previous: string[] = []) => [...previous, value];

export function ruleCommands(program: Command): void {
  const rule = program.command("rule").description("create and list rules (the broker runs them)");

  rule
    .command("create")
    .description(`create a rule, e.g. --sql "SELECT counts.person AS people FROM '${filters.allOf("infer")}' WHERE counts.person > 2" --action '{"type":"store"}'`)
    .requiredOption("--name <name>", "rule name")
    .requiredOption("--sql <sql>", "SELECT ... FROM '<topic filter>' [WHERE ...]")
    .requiredOption("--action <json>", "an action as JSON (republish, webhook, store); repeat for several", collect)
    .option("--error-action <json>", "action to run when an action fails")
    .option("--disabled", "create it disabled")
    .action(async (opts: { name: string; sql: string; action: string[]; errorAction?: string; disabled?: boolean }) => {
      const actions = opts.action.map((a, i) => parseJsonOption(a, `--action #${i + 1}`));
      const errorAction = opts.errorAction ? parseJsonOption(opts.errorAction, "--error-action") : undefined;
      await withContext(async (ctx) => {
        const { createRule } = await import("../../server/services/rules");
        printJson(createRule(ctx, { name: opts.name, sql: opts.sql, actions: actions as never, ...(errorAction ? { errorAction: errorAction as never } : {}), enabled: !opts.disabled }));
      });
    });

  rule
    .command("list")
    .description("list rules with their counters")
    .option("--json", "print JSON")
    .action(async (opts: { json?: boolean }) => {
      await withContext(async (ctx) => {
        const { listRules } = await import("../../server/services/rules");
        const rules = listRules(ctx);
        if (opts.json) return printJson(rules);
        printLine(table([["ID", "NAME", "ENABLED", "RUNS", "ERRORS", "SQL"], ...rules.map((r) => [r.id, r.name, r.enabled ? "yes" : "no", String(r.executions), String(r.errors), r.sql])]));
      });
    });
}
