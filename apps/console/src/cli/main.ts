/**
 * `edgelens`: the admin CLI on the configured data dir (EDGELENS_DATA_DIR), built on the same
 * services as the console. Commands that talk to the broker read EDGELENS_BROKER_URL.
 */
import { Command, CommanderError } from "commander";
import { backupCommand } from "./commands/backup";
import { deployCommand } from "./commands/deploy";
import { deviceCommands } from "./commands/device";
import { groupCommands } from "./commands/group";
import { modelCommands } from "./commands/model";
import { mqttCommands } from "./commands/mqtt";
import { personCommands } from "./commands/person";
import { projectCommands, templatesCommand } from "./commands/project";
import { restoreCommand } from "./commands/restore";
import { deploymentCommands, rolloutCommands } from "./commands/rollout";
import { ruleCommands } from "./commands/rule";
import { undeployCommand } from "./commands/undeploy";
import { userCommands } from "./commands/user";
import { reportFailure } from "./runtime";

export function buildProgram(): Command {
  const program = new Command("edgelens")
    .description("Edgelens admin CLI: devices, models, projects, deployments, rules, users, MQTT")
    .showHelpAfterError("(run with --help for usage)")
    .exitOverride();
  deviceCommands(program);
  groupCommands(program);
  personCommands(program);
  modelCommands(program);
  projectCommands(program);
  templatesCommand(program);
  deployCommand(program);
  undeployCommand(program);
  deploymentCommands(program);
  rolloutCommands(program);
  ruleCommands(program);
  userCommands(program);
  mqttCommands(program);
  backupCommand(program);
  restoreCommand(program);
  // Subcommands inherit exitOverride only when set on them too.
  const override = (c: Command) => {
    c.exitOverride();
    c.showHelpAfterError("(run with --help for usage)");
    c.commands.forEach(override);
  };
  program.commands.forEach(override);
  return program;
}

async function main(argv: string[]): Promise<number> {
  try {
    await buildProgram().parseAsync(argv);
    return 0;
  } catch (err) {
    if (err instanceof CommanderError) {
      // Commander already printed the message (or the help); help and version are not failures.
      return err.code === "commander.helpDisplayed" || err.code === "commander.version" || err.code === "commander.help" ? 0 : 2;
    }
    return reportFailure(err);
  }
}

process.exitCode = await main(process.argv);
