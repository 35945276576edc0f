/** Reading the job registry (services/job-registry.ts) for the jobs API. */
import { EdgelensError } from "@edgelens/shared";
import type { ServiceContext } from "../context";
import type { JobView } from "./job-registry";

export function getJob(ctx: ServiceContext, id: string): JobView {
  const job = ctx.jobs.get(id);
  if (!job) throw new EdgelensError("NOT_FOUND", `no job ${id} (finished jobs are kept: the last 200)`, { jobId: id });
  return structuredClone(job);
}

export function listJobs(ctx: ServiceContext): JobView[] {
  return ctx.jobs.list().map((j) => structuredClone(j));
}
