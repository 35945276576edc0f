import { readFileSync } from "node:fs";
import { resolve } from "node:path";
import type { Command } from "commander";
import { z } from "zod";
import { EdgelensError } from "@edgelens/shared/errors";
import { formatZodError } from "@edgelens/shared/schemas";
import { parseDaemonConfig, readConfigFile } from "../daemon/daemon-config";
import type { Daemon } from "../daemon/main";
import { runAction } from "./report-error";

interface FleetFlags {
  devices: string;
  config?: string;
  logLevel?: string;
}

/** `--devices <file.json>`: the devices to run, each with its own device file and data dir. */
export const FleetFileSchema = z
  .array(z.object({ deviceFile: z.string().min(1), dataDir: z.string().min(1) }).strict())
  .min(1)
  .max(1000)
  .refine((ds) => new Set(ds.map((d) => resolve(d.dataDir))).size === ds.length, "each device needs its own dataDir");
export type FleetFile = z.infer<typeof FleetFileSchema>;

function readFleetFile(path: string): FleetFile {
  let json: unknown;
  try {
    json = JSON.parse(readFileSync(path, "utf8"));
  } catch (err) {
    throw new EdgelensError("INVALID_CONFIG", `--devices ${path}: ${(err as Error).message}`);
  }
  const parsed = FleetFileSchema.safeParse(json);
  if (!parsed.success) throw new EdgelensError("INVALID_CONFIG", `--devices ${path}: ${formatZodError(parsed.error)}`);
  return parsed.data;
}

export function registerFleetCommand(program: Command): void {
  program
    .command("fleet")
    .description(
      "Many device daemons in this one process (tests and benchmarks of fleet deployments): each device is a full " +
        "`run` daemon with its own device file, data dir, MQTT connection, spool and project sandboxes. Prints one JSON " +
        "line on stdout when all run (`{\"event\":\"started\",\"devices\":[...]}`); logs go to stderr as JSON lines " +
        "(each names its deviceId). The EDGELENS_AGENT_* environment is not read; stream servers are off unless the config enables them.",
    )
    .requiredOption("--devices <file.json>", 'the devices: [{"deviceFile": "...", "dataDir": "..."}, ...]')
    .option("--config <file.json>", "daemon settings as JSON (as for `run`), the same for every device")
    .option("--log-level <level>", "debug, info, warn or error")
    .action(
      runAction(async (flags: FleetFlags) => {
        const { startDaemon } = await import("../daemon/main");
        const fromFile = flags.config ? readConfigFile(flags.config) : {};
        const configs = readFleetFile(flags.devices).map((d) =>
          // Stream servers off by default: a fleet on one box would fight over one port.
          parseDaemonConfig({ stream: { enabled: false } }, fromFile, { deviceFile: d.deviceFile, dataDir: d.dataDir, logLevel: flags.logLevel }),
        );
        const daemons = new Map<number, Daemon>();
        let stopping = false;
        const stopAll = async (): Promise<void> => {
          await Promise.all([...daemons.values()].map((d) => d.stop()));
        };
        const start = async (i: number): Promise<void> => {
          const daemon: Daemon = await startDaemon(configs[i]!, {
            // `restart-agent` restarts that device's daemon only.
            onRestartRequested: () => {
              if (stopping) return;
              void daemon.stop().then(() => start(i));
            },
          });
          daemons.set(i, daemon);
        };
        try {
          await Promise.all(configs.map((_, i) => start(i)));
        } catch (err) {
          await stopAll();
          throw err;
        }
        const shutdown = async (why: string): Promise<void> => {
          if (stopping) return;
          stopping = true;
          await stopAll();
          process.stdout.write(`${JSON.stringify({ event: "stopped", devices: daemons.size, reason: why })}\n`);
          process.exit(0);
        };
        process.on("SIGTERM", () => void shutdown("SIGTERM"));
        process.on("SIGINT", () => void shutdown("SIGINT"));
        const devices = configs.map((c, i) => ({ deviceId: daemons.get(i)!.deviceId, dataDir: c.dataDir, stream: daemons.get(i)!.streamUrl }));
        process.stdout.write(`${JSON.stringify({ event: "started", devices, pid: process.pid })}\n`);
      }),
    );
}
