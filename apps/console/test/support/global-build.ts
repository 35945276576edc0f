/**
 * Vitest global setup of the console projects: builds the console once per run (once per source
 * state, in fact) before any suite starts one, and says so in the run's output.
 */
import { ensureConsoleBuild } from "@edgelens/tooling/console-build";

export default async function setup(): Promise<void> {
  await ensureConsoleBuild((line) => console.log(line));
}
