import { existsSync } from "node:fs";
import { writeFile } from "node:fs/promises";
import { resolve } from "node:path";
import type { Command } from "commander";
import { deviceCameraCommands } from "./device-camera";
import { CliFailure, note, printJson, printLine, table, withContext } from "../runtime";
import { deviceFleetCommands } from "./device-fleet";

function ago(ms: number | null): string {
  if (ms === null) return "never";
  const s = Math.round((Date.now() - ms) / 1000);
  return s < 60 ? `${s}s ago` : s < 3600 ? `${Math.round(s / 60)}m ago` : `${Math.round(s / 3600)}h ago`;
}

export function deviceCommands(program: Command): void {
  const device = program.command("device").description("register, list and remove devices");

  device
    .command("register <id>")
    .description("register a device and print its edgelens-device.json (the secret is shown only now)")
    .option("--name <name>", "display name (default: the id)")
    .option("--out <file>", "write the device file here (mode 600) instead of printing it")
    .action(async (id: string, opts: { name?: string; out?: string }) => {
      const path = opts.out ? resolve(opts.out) : null;
      // Checked before registering: the secret exists only in this one output.
      if (path && existsSync(path)) throw new CliFailure(`--out ${path} exists; choose another file (nothing was registered)`);
      await withContext(async (ctx) => {
        const { registerDevice } = await import("../../server/services/devices");
        const { deviceFile } = await registerDevice(ctx, { id, ...(opts.name ? { name: opts.name } : {}) });
        // A group whose query matches the new device deploys to it (docs/design.md "Device groups").
        // It must not cost the device file, whose secret exists only in this output.
        const { followGroups } = await import("../../server/services/group-deployments");
        await followGroups(ctx, [id], "cli").catch((err: unknown) => note(`warning: device ${id} registered, but its groups' deployment was not sent: ${(err as Error).message}`));
        if (!path) return printJson(deviceFile);
        await writeFile(path, `${JSON.stringify(deviceFile, null, 2)}\n`, { mode: 0o600, flag: "wx" }).catch((err: NodeJS.ErrnoException) => {
          throw new Error(`device ${id} registered, but ${path} could not be written (${err.code}); run \`edgelens device remove ${id}\` and register again`);
        });
        note(`device ${id} registered; device file written to ${path}`);
      });
    });

  device
    .command("list")
    .description("list devices with presence, project and fps")
    .option("--json", "print JSON")
    .action(async (opts: { json?: boolean }) => {
      await withContext(async (ctx) => {
        const { listDevices } = await import("../../server/services/devices");
        const devices = listDevices(ctx);
        if (opts.json) return printJson(devices);
        if (devices.length === 0) return printLine("no devices; register one with `edgelens device register <id>`");
        const rows = devices.map((d) => [
          d.id,
          d.name,
          d.registration === "registered" ? d.presence : "awaiting-credentials",
          d.deployment?.projectName ? `${d.deployment.projectName} v${d.deployment.projectVersion ?? "?"}` : "-",
          d.deployment?.state ?? "-",
          d.fps === null ? "-" : d.fps.toFixed(1),
          ago(d.lastSeenAt),
        ]);
        printLine(table([["ID", "NAME", "PRESENCE", "PROJECT", "DEPLOYMENT", "FPS", "LAST SEEN"], ...rows]));
      });
    });

  deviceFleetCommands(device);

  device
    .command("remove <id>")
    .description("deregister a device: its credentials stop working and its retained desired state is cleared")
    .action(async (id: string) => {
      await withContext(async (ctx) => {
        const { deregisterDevice } = await import("../../server/services/devices");
        const result = await deregisterDevice(ctx, id);
        if (result.warning) note(`warning: ${result.warning}`);
        note(`device ${id} removed`);
      });
    });

  deviceCameraCommands(device);
}
