import type { Command } from "commander";

/** Placeholder for the device daemon's command; the daemon's author replaces this file. */
export function registerRunCommand(program: Command): void {
  program
    .command("run")
    .description("Run the device daemon (not implemented yet)")
    .allowUnknownOption(true)
    .action(() => {
      process.stderr.write("error: `run` is not implemented yet\n");
      process.exitCode = 2;
    });
}
