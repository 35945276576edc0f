#!/usr/bin/env node
import { Command } from "commander";
import { registerConvertCommand } from "./commands/convert";
import { registerInferCommand } from "./commands/infer";
import { registerModelsCommand } from "./commands/models";
import { reportError } from "./commands/report-error";
import { registerRunCommand } from "./commands/run";
import { registerTemplatesCommand } from "./commands/templates";

/** edgelens-agent: the device daemon (`run`) and the developer tools around it. */
const program = new Command("edgelens-agent")
  .description("Edgelens edge agent: runs projects on a device, and simulates them locally")
  .showHelpAfterError();

// One register function per command (commands/<name>.ts).
registerRunCommand(program);
registerInferCommand(program);
registerConvertCommand(program);
registerModelsCommand(program);
registerTemplatesCommand(program);

try {
  await program.parseAsync(process.argv);
} catch (error) {
  reportError(error);
  process.exitCode = 1;
}
