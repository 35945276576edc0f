import { readFile } from "node:fs/promises";
import { resolve } from "node:path";
import type { Command } from "commander";
import { EdgelensError, ProjectConfigSchema } from "@edgelens/shared";
import { parseJsonOption, printJson, printLine, table, withContext } from "../runtime";

interface CreateOptions {
  template?: string;
  name: string;
  source?: string;
  config?: string;
  function?: string;
  description?: string;
}

export function projectCommands(program: Command): void {
  const project = program.command("project").description("create and list projects");

  project
    .command("create")
    .description("create a project from a template (its sample models are imported) or blank; prints the project")
    .requiredOption("--name <name>", "project name")
    .option("--template <template>", "template name (see `edgelens templates`); blank project without it")
    .option("--source <uri>", "frame source: a video file, rtsp://, http(s) MJPEG, /dev/videoN, an image folder")
    .option("--config <json>", "config JSON merged over the template's defaults")
    .option("--function <file>", "the inference function (.ts/.js) instead of the template's")
    .option("--description <text>", "description")
    .action(async (opts: CreateOptions) => {
      const extra = opts.config === undefined ? {} : parseJsonOption(opts.config, "--config");
      if (typeof extra !== "object" || extra === null || Array.isArray(extra)) throw new EdgelensError("INVALID_PAYLOAD", "--config: must be a JSON object");
      const config = ProjectConfigSchema.parse({ ...extra, ...(opts.source ? { source: opts.source } : {}) });
      const functionSource = opts.function
        ? await readFile(resolve(opts.function), "utf8").catch((err: NodeJS.ErrnoException) => {
            throw new EdgelensError("NOT_FOUND", `--function: cannot read ${resolve(opts.function!)} (${err.code})`);
          })
        : undefined;
      await withContext(async (ctx) => {
        const { createProject } = await import("../../server/services/projects");
        const created = await createProject(ctx, {
          name: opts.name,
          ...(opts.template ? { template: opts.template } : {}),
          ...(opts.description ? { description: opts.description } : {}),
          ...(functionSource ? { functionSource } : {}),
          config,
        });
        const { versions: _all, ...summary } = created;
        printJson({ ...summary, latest: summary.latest ? { ...summary.latest, functionSource: undefined } : null });
      });
    });

  project
    .command("list")
    .description("list projects")
    .option("--json", "print JSON")
    .action(async (opts: { json?: boolean }) => {
      await withContext(async (ctx) => {
        const { listProjects } = await import("../../server/services/projects");
        const projects = listProjects(ctx);
        if (opts.json) return printJson(projects);
        printLine(table([["ID", "NAME", "TEMPLATE", "VERSION"], ...projects.map((p) => [p.id, p.name, p.template ?? "-", `v${p.latestVersion}`])]));
      });
    });
}

export function templatesCommand(program: Command): void {
  program
    .command("templates")
    .description("list the sample-project templates")
    .option("--json", "print JSON")
    .action(async (opts: { json?: boolean }) => {
      const { listTemplates } = await import("../../server/services/templates");
      const templates = listTemplates();
      if (opts.json) return printJson(templates);
      printLine(table([["NAME", "MODELS", "DESCRIPTION"], ...templates.map((t) => [t.name, Object.values(t.models).join(", ") || "-", t.description])]));
    });
}
