import type { Command } from "commander";
import { note, printJson, printLine, table, withContext } from "../runtime";

/** `edgelens device camera add|list|remove`: a device's named cameras (docs/design.md "Cameras"). */
export function deviceCameraCommands(device: Command): void {
  const camera = device.command("camera").description("a device's named cameras: projects read them with source camera://<name>");

  camera
    .command("add <device> <name> <uri>")
    .description("add a camera (a file, dir://, rtsp://, http(s):// MJPEG, v4l2:// or testsrc:// URI) and send it to the device")
    .action(async (deviceId: string, name: string, uri: string) => {
      await withContext(async (ctx) => {
        const { addCamera } = await import("../../server/services/cameras");
        const added = await addCamera(ctx, deviceId, { name, uri });
        note(`camera ${added.name} added to ${deviceId} (${added.uri}); a project reads it with source camera://${added.name}`);
      });
    });

  camera
    .command("list <device>")
    .description("list the device's cameras")
    .option("--json", "print JSON")
    .action(async (deviceId: string, opts: { json?: boolean }) => {
      await withContext(async (ctx) => {
        const { listCameras } = await import("../../server/services/cameras");
        const cameras = listCameras(ctx, deviceId);
        if (opts.json) return printJson(cameras);
        if (cameras.length === 0) return printLine(`no cameras on ${deviceId}; add one with \`edgelens device camera add ${deviceId} <name> <uri>\``);
        printLine(table([["NAME", "URI"], ...cameras.map((c) => [c.name, c.uri])]));
      });
    });

  camera
    .command("remove <device> <name>")
    .description("remove a camera; projects reading it get no more frames")
    .action(async (deviceId: string, name: string) => {
      await withContext(async (ctx) => {
        const { removeCamera } = await import("../../server/services/cameras");
        await removeCamera(ctx, deviceId, name);
        note(`camera ${name} removed from ${deviceId}`);
      });
    });
}
