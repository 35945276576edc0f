import type { Command } from "commander";
import { CliFailure, printJson, printLine, table, withContext } from "../runtime";

function splitList(value: string): string[] {
  return value
    .split(",")
    .map((s) => s.trim())
    .filter(Boolean);
}

export function groupCommands(program: Command): void {
  const group = program.command("group").description("device groups: a static list of devices or a query over tags and fields");

  group
    .command("create <name>")
    .description("create a group: --devices a,b,… (static) or --query \"site = 'berlin' AND floor IN ('1','2')\" (dynamic)")
    .option("--devices <ids>", "comma-separated device ids")
    .option("--query <expr>", "an expression over tags and device fields (id, name, agentVersion, registration)")
    .option("--json", "print the group as JSON")
    .action(async (name: string, opts: { devices?: string; query?: string; json?: boolean }) => {
      if ((opts.devices === undefined) === (opts.query === undefined)) throw new CliFailure("give either --devices a,b,… or --query \"<expr>\"", 2);
      await withContext(async (ctx) => {
        const { createGroup } = await import("../../server/services/groups");
        const created = createGroup(ctx, { name, ...(opts.devices !== undefined ? { devices: splitList(opts.devices) } : { query: opts.query }) }, "cli");
        if (opts.json) return printJson(created);
        printLine(`group ${created.name} created with ${created.members} device(s)`);
      });
    });

  group
    .command("list")
    .description("list groups with their member count")
    .option("--json", "print JSON")
    .action(async (opts: { json?: boolean }) => {
      await withContext(async (ctx) => {
        const { listGroups } = await import("../../server/services/groups");
        const groups = listGroups(ctx);
        if (opts.json) return printJson(groups);
        if (groups.length === 0) return printLine("no groups; create one with `edgelens group create <name> --devices a,b` or `--query \"<expr>\"`");
        printLine(table([["NAME", "MEMBERS", "QUERY"], ...groups.map((g) => [g.name, String(g.members), g.query ?? "(static)"])]));
      });
    });

  group
    .command("show <name>")
    .description("the group's members now (a dynamic query is evaluated first)")
    .option("--json", "print {name, query?, devices: [ids]}")
    .action(async (name: string, opts: { json?: boolean }) => {
      await withContext(async (ctx) => {
        const { resolveGroupDevices } = await import("../../server/services/group-members");
        const { getGroup } = await import("../../server/services/groups");
        const ids = resolveGroupDevices(ctx, name);
        const g = getGroup(ctx, name);
        if (opts.json) return printJson({ name: g.name, ...(g.query !== undefined ? { query: g.query } : {}), devices: ids });
        printLine(`group ${g.name}: ${g.query ?? "static"}; ${ids.length} device(s)`);
        if (ids.length > 0) printLine(ids.join("\n"));
      });
    });

  group
    .command("delete <name>")
    .description("delete a group; its devices keep what they run")
    .action(async (name: string) => {
      await withContext(async (ctx) => {
        const { deleteGroup } = await import("../../server/services/groups");
        deleteGroup(ctx, name);
        printLine(`group ${name} deleted`);
      });
    });
}
