/**
 * `pnpm -s console` (`start`), `pnpm --filter @edgelens/console dev`, the launcher and the systemd
 * unit start the console through here: Next reads no EDGELENS_* itself and would listen on 3000 on
 * all interfaces, whatever the configuration says. Usage: serve.ts start|dev.
 */
import { spawn } from "node:child_process";
import { createRequire } from "node:module";
import { constants } from "node:os";
import { isEdgelensError } from "@edgelens/shared/errors";
import { loadConsoleConfig, type ConsoleConfig } from "./env";
import { nextServeArgs } from "./next-serve-args";

function main(): void {
  const mode = process.argv[2];
  if (mode !== "start" && mode !== "dev") {
    console.error("usage: serve.ts start|dev");
    process.exit(2);
  }
  let config: ConsoleConfig;
  try {
    config = loadConsoleConfig();
  } catch (err) {
    if (!isEdgelensError(err)) throw err;
    console.error(`edgelens console: ${err.message}`);
    process.exit(2);
  }
  const nextBin = createRequire(import.meta.url).resolve("next/dist/bin/next");
  const child = spawn(process.execPath, [nextBin, ...nextServeArgs(mode, config)], { stdio: "inherit" });
  // A stop reaches this wrapper (systemd, the launcher): pass it on and leave with Next's status.
  for (const signal of ["SIGINT", "SIGTERM", "SIGHUP"] as const) process.on(signal, () => child.kill(signal));
  child.on("exit", (code, signal) => process.exit(code ?? (signal ? 128 + constants.signals[signal] : 1)));
}

main();
