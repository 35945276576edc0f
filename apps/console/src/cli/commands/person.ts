import { readFile } from "node:fs/promises";
import { basename } from "node:path";
import type { Command } from "commander";
import { CliFailure, printJson, printLine, table, withContext } from "../runtime";

export function personCommands(program: Command): void {
  const person = program.command("person").description("the face gallery of face-recognition: known people and their photos");

  person
    .command("add <name> <photos...>")
    .description("add photos of a person (created on first use); each photo must show exactly one face")
    .option("--json", "print the person as JSON")
    .action(async (name: string, files: string[], opts: { json?: boolean }) => {
      const photos = await Promise.all(
        files.map(async (file) => ({
          name: basename(file),
          bytes: new Uint8Array(
            await readFile(file).catch((error: Error) => {
              throw new CliFailure(`cannot read ${file}: ${error.message}`, 2);
            }),
          ),
        })),
      );
      await withContext(async (ctx) => {
        const { addPersonPhotos } = await import("../../server/services/people");
        const added = await addPersonPhotos(ctx, name, photos);
        if (opts.json) return printJson(added);
        printLine(`person ${added.name}: ${added.photos} photo(s)`);
      });
    });

  person
    .command("list")
    .description("list the known people with their photo count")
    .option("--json", "print JSON: [{name, photos, createdAt}]")
    .action(async (opts: { json?: boolean }) => {
      await withContext(async (ctx) => {
        const { listPeople } = await import("../../server/services/people");
        const all = listPeople(ctx);
        if (opts.json) return printJson(all);
        if (all.length === 0) return printLine("no people; add one with `edgelens person add <name> <photo>…`");
        printLine(table([["NAME", "PHOTOS"], ...all.map((p) => [p.name, String(p.photos)])]));
      });
    });

  person
    .command("remove <name>")
    .description("remove a person and their photos from the gallery")
    .action(async (name: string) => {
      await withContext(async (ctx) => {
        const { removePerson } = await import("../../server/services/people");
        await removePerson(ctx, name);
        printLine(`person ${name} removed`);
      });
    });
}
