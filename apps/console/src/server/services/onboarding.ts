import { deployments, devices, projects, rules } from "@edgelens/db";
import type { ServiceContext } from "../context";

/** What a new fleet has done of the path to its first results (the dashboard's "Get started"). */
export interface Onboarding {
  device: boolean;
  project: boolean;
  deployment: boolean;
  rule: boolean;
  /** Device, project and deployment exist: the card has nothing left to teach. */
  done: boolean;
}

/** One indexed `LIMIT 1` read per step, so the dashboard pays nothing for it at fleet size. */
export function getOnboarding(ctx: ServiceContext): Onboarding {
  const any = (table: typeof devices | typeof projects | typeof deployments | typeof rules) => ctx.db.select({ id: table.id }).from(table).limit(1).get() !== undefined;
  const steps = { device: any(devices), project: any(projects), deployment: any(deployments), rule: any(rules) };
  return { ...steps, done: steps.device && steps.project && steps.deployment };
}
