import type { Command } from "commander";
import { printJson, printLine, withContext } from "../runtime";
import { describeRollout } from "./rollout-outcome";

/** `deployment show <id>`: a rollout's counts and devices, or one deployment in the same shape. */
export function deploymentCommands(program: Command): void {
  const deployment = program.command("deployment").description("deployments and rollouts");
  deployment
    .command("show <id>")
    .description("a rollout (or one deployment): state, counts, devices")
    .option("--json", "print {id, state, counts, devices} as JSON")
    .action(async (id: string, opts: { json?: boolean }) => {
      await withContext(async (ctx) => {
        const { showDeployment } = await import("../../server/services/rollouts");
        const shown = showDeployment(ctx, id);
        if (opts.json) return printJson(shown);
        printLine(describeRollout({ id: shown.id, state: shown.state as never, counts: shown.counts, abortReason: shown.abortReason ?? null }));
        for (const d of shown.devices) printLine(`  ${d.id}: ${d.state}${d.reason ? ` (${d.reason})` : ""}`);
      });
    });
}

/** `rollout pause|resume|cancel <id>`. */
export function rolloutCommands(program: Command): void {
  const rollout = program.command("rollout").description("pause, resume or cancel a staged rollout");
  for (const move of ["pause", "resume", "cancel"] as const) {
    rollout
      .command(`${move} <id>`)
      .description(`${move} the rollout`)
      .option("--json", "print the rollout as JSON")
      .action(async (id: string, opts: { json?: boolean }) => {
        await withContext(async (ctx) => {
          const { moveRollout } = await import("../../server/services/rollouts");
          const r = moveRollout(ctx, id, move);
          if (opts.json) printJson(r);
          else printLine(describeRollout(r));
        });
      });
  }
}
