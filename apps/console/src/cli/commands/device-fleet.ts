/** `device tag`, `device pin`, `device unpin`: what places a device in groups or keeps it out of them. */
import type { Command } from "commander";
import { CliFailure, note, printJson, printLine, withContext } from "../runtime";

export function deviceFleetCommands(device: Command): void {
  device
    .command("tag <id> [tags...]")
    .description("set tags (key=value …) and remove some (--remove key …); a device that joins a group gets its deployment")
    .option("--remove <keys...>", "tag keys to remove")
    .option("--json", "print the device's tags and the deployments started as JSON")
    .action(async (id: string, tags: string[], opts: { remove?: string[]; json?: boolean }) => {
      if (tags.length === 0 && !opts.remove?.length) throw new CliFailure("give tags as key=value and/or --remove key", 2);
      await withContext(async (ctx) => {
        const { changeDeviceTags, parseTagAssignment } = await import("../../server/services/device-tags");
        const set = Object.fromEntries(tags.map(parseTagAssignment));
        const out = await changeDeviceTags(ctx, { deviceIds: [id], set, remove: opts.remove ?? [] }, "cli");
        const tagsNow = out.devices[0]?.tags ?? {};
        if (opts.json) return printJson({ id, tags: tagsNow, deployments: out.deployments.map((d) => d.id) });
        printLine(`${id}: ${Object.entries(tagsNow).map(([k, v]) => `${k}=${v}`).join(" ") || "(no tags)"}`);
        for (const d of out.deployments) note(`joined a group: deploying ${d.projectName} v${d.projectVersion} (deployment ${d.id})`);
      });
    });

  device
    .command("pin <id> [target]")
    .description("keep the device out of group deployments; with <project>@<version>, deploy that to it now")
    .action(async (id: string, target: string | undefined) => {
      await withContext(async (ctx) => {
        const { parsePinTarget, pinDevice } = await import("../../server/services/device-pin");
        const out = await pinDevice(ctx, id, target === undefined ? undefined : parsePinTarget(target), "cli");
        const d = out.deployments[0];
        printLine(d ? `${id} pinned to ${d.projectName} v${d.projectVersion} (deployment ${d.id}, ${d.state})` : `${id} pinned; it keeps what it runs`);
      });
    });

  device
    .command("unpin <id>")
    .description("let group deployments reach the device again (it gets its groups' deployment now)")
    .action(async (id: string) => {
      await withContext(async (ctx) => {
        const { unpinDevice } = await import("../../server/services/device-pin");
        const out = await unpinDevice(ctx, id, "cli");
        const d = out.deployments[0];
        printLine(d ? `${id} unpinned; deploying ${d.projectName} v${d.projectVersion} from its group (deployment ${d.id})` : `${id} unpinned`);
      });
    });
}
