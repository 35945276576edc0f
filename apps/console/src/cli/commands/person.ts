import { readFile } from "node:fs/promises";
import { basename } from "node:path";
import type { Command } from "commander";
import { isEdgelensError } from "@edgelens/shared";
import { CliFailure, printJson, printLine, table, withContext } from "../runtime";

export function personCommands(program: Command): void {
  const person = program.command("person").description("the face gallery of face-recognition: known people and their photos");

  person
    .command("add <name> [photos...]")
    .description("add photos of a person (created on first use); each photo must show exactly one face; or one face of an event snapshot")
    .option("--snapshot <sha256>", "take the face from this event snapshot instead of photos (see `person faces`)")
    .option("--face <n>", "which face of the snapshot, numbered left to right (needed when it has several)")
    .option("--json", "print the person as JSON")
    .action(async (name: string, files: string[], opts: { snapshot?: string; face?: string; json?: boolean }) => {
      if (opts.snapshot && files.length > 0) throw new CliFailure("give photos or --snapshot, not both", 2);
      if (!opts.snapshot && files.length === 0) throw new CliFailure("give at least one photo, or --snapshot <sha256> --face <n>", 2);
      if (opts.face !== undefined && !/^[1-9]\d*$/.test(opts.face)) throw new CliFailure(`--face is a face number from 1, got "${opts.face}"`, 2);
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
        let added;
        if (opts.snapshot) {
          const { addPersonFromSnapshot } = await import("../../server/services/snapshot-faces");
          const snapshot = opts.snapshot;
          added = await addPersonFromSnapshot(ctx, name, snapshot, opts.face === undefined ? undefined : Number(opts.face)).catch((err: unknown) => {
            // No --face on a snapshot with several: a usage question, answered with the command that numbers them.
            if (opts.face === undefined && isEdgelensError(err) && err.context.field === "face") {
              throw new CliFailure(`snapshot ${snapshot.slice(0, 12)} has ${String(err.context.faces)} faces: say which with --face (see \`edgelens person faces ${snapshot}\`)`, 2);
            }
            throw err;
          });
        } else {
          const { addPersonPhotos } = await import("../../server/services/people");
          added = await addPersonPhotos(ctx, name, photos);
        }
        if (opts.json) return printJson(added);
        printLine(`person ${added.name}: ${added.photos} photo(s)`);
      });
    });

  person
    .command("faces [snapshot]")
    .description("the faces in an event snapshot, numbered for `person add --snapshot --face`; without one, the newest snapshots")
    .option("--json", "print JSON: {sha256, width, height, faces: [{face, box, score}]}, or the snapshots [{sha256, deviceId, ruleName, ts}]")
    .action(async (snapshot: string | undefined, opts: { json?: boolean }) => {
      await withContext(async (ctx) => {
        const { findSnapshotFaces, listFaceSnapshots } = await import("../../server/services/snapshot-faces");
        if (!snapshot) {
          const choices = listFaceSnapshots(ctx, 20);
          if (opts.json) return printJson(choices);
          if (choices.length === 0) return printLine("no event snapshots yet (a store rule with a snapshot keeps one per event)");
          printLine(table([["SNAPSHOT", "DEVICE", "RULE", "TIME"], ...choices.map((c) => [c.sha256, c.deviceId ?? "-", c.ruleName, new Date(c.ts).toISOString()])]));
          return;
        }
        const found = await findSnapshotFaces(ctx, snapshot);
        if (opts.json) return printJson(found);
        if (found.faces.length === 0) return printLine(`no face found in snapshot ${snapshot.slice(0, 12)} (${found.width}x${found.height})`);
        printLine(table([["FACE", "BOX", "SCORE"], ...found.faces.map((f) => [String(f.face), f.box.join(","), f.score.toFixed(2)])]));
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
