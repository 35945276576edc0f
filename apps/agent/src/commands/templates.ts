import type { Command } from "commander";
import { getTemplate, listTemplates } from "@edgelens/vision/templates";
import { runAction } from "./report-error";

export function registerTemplatesCommand(program: Command): void {
  program
    .command("templates")
    .description("List the sample projects, or print one's function source")
    .argument("[name]", "print this template's function.ts on stdout")
    .option("--json", "print the list as JSON")
    .action(
      runAction(async (name: string | undefined, flags: { json?: boolean }) => {
        if (name !== undefined) {
          process.stdout.write(getTemplate(name).functionSource);
          return;
        }
        const templates = listTemplates();
        if (flags.json) {
          process.stdout.write(`${JSON.stringify(templates, null, 2)}\n`);
          return;
        }
        const lines = templates.map(
          (t) =>
            `${t.name.padEnd(17)} ${t.title}\n${" ".repeat(18)}${t.description}\n${" ".repeat(18)}models: ${Object.entries(t.models)
              .map(([k, v]) => `${k}=${v}`)
              .join(", ")}  config: ${JSON.stringify(t.defaultConfig)}`,
        );
        process.stdout.write(`${lines.join("\n")}\n`);
      }),
    );
}
