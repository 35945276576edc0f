#!/usr/bin/env node
import { Command, CommanderError } from "commander";
import { registerConvertCommand } from "./commands/convert";
import { registerFleetCommand } from "./commands/fleet";
import { registerInferCommand } from "./commands/infer";
import { registerModelsCommand } from "./commands/models";
import { EXIT_USAGE, reportError } from "./commands/report-error";
import { registerRunCommand } from "./commands/run";
import { registerTemplatesCommand } from "./commands/templates";

/** edgelens-agent: the device daemon (`run`) and the developer tools around it. */
const program = new Command("edgelens-agent")
  .description("Edgelens edge agent: runs projects on a device, and simulates them locally")
  .showHelpAfterError()
  // Commander reports usage errors itself; exitOverride lets them end with EXIT_USAGE (set
  // before the commands are added: subcommands copy it).
  .exitOverride();

// One register function per command (commands/<name>.ts).
registerRunCommand(program);
registerFleetCommand(program);
registerInferCommand(program);
registerConvertCommand(program);
registerModelsCommand(program);
registerTemplatesCommand(program);

try {
  await program.parseAsync(process.argv);
} catch (error) {
  if (error instanceof CommanderError) {
    process.exitCode = error.exitCode === 0 ? 0 : EXIT_USAGE;
  } else {
    reportError(error);
    process.exitCode = 1;
  }
}
