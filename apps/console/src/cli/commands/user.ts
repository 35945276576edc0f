import type { Command } from "commander";
import { printJson, printLine, table, withContext } from "../runtime";

export function userCommands(program: Command): void {
  const user = program.command("user").description("create and list console users");

  user
    .command("create")
    .description("create a console user")
    .requiredOption("--email <email>", "login email")
    .requiredOption("--password <password>", "password, at least 10 characters and not a common one")
    .option("--role <role>", "admin or viewer", "viewer")
    .option("--name <name>", "display name")
    .action(async (opts: { email: string; password: string; role: string; name?: string }) => {
      await withContext(async (ctx) => {
        const { createUser } = await import("../../server/services/users");
        printJson(await createUser(ctx, { email: opts.email, password: opts.password, role: opts.role as "admin", ...(opts.name ? { name: opts.name } : {}) }));
      });
    });

  user
    .command("list")
    .description("list users")
    .option("--json", "print JSON")
    .action(async (opts: { json?: boolean }) => {
      await withContext(async (ctx) => {
        const { listUsers } = await import("../../server/services/users");
        const users = listUsers(ctx);
        if (opts.json) return printJson(users);
        printLine(table([["EMAIL", "ROLE", "ID"], ...users.map((u) => [u.email, u.role, u.id])]));
      });
    });
}
