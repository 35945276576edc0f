/**
 * Deployments: the console writes each device's retained `shadow/desired` (docs/design.md "Desired
 * state"); the broker records the device's progress into deployments and deployment_events.
 */
import { and, asc, desc, eq, type SQL } from "drizzle-orm";
import { z } from "zod";
import { artifacts, deploymentEvents, deployments, modelVersions, projects } from "@edgelens/db";
import {
  DeploymentStateSchema,
  DesiredStateSchema,
  EdgelensError,
  IdSchema,
  topics,
  type Artifact,
  type DeploymentState,
  type DesiredState,
  type ProjectConfig,
} from "@edgelens/shared";
import type { ServiceContext } from "../context";
import { newId } from "../ids";
import { artifactUrl } from "../storage/artifacts";
import { getDevice } from "./devices";
import { getProject, getProjectVersion } from "./projects";

export interface DeploymentView {
  id: string;
  deviceId: string;
  projectId: string | null;
  projectName: string | null;
  projectVersion: number | null;
  state: DeploymentState;
  pct: number | null;
  reason: string | null;
  createdBy: string | null;
  createdAt: number;
  updatedAt: number | null;
}

export interface DeploymentEventView {
  id: number;
  state: DeploymentState;
  pct: number | null;
  reason: string | null;
  ts: number;
}

export type DeploymentDetail = DeploymentView & { events: DeploymentEventView[]; desired: DesiredState | null };

export const TERMINAL_STATES: ReadonlySet<DeploymentState> = new Set(["running", "degraded", "failed", "rolled-back", "removed"]);

const DeviceIdsSchema = z.array(z.string().min(1)).min(1, "deviceIds: name at least one device").max(1000);

export const DeployInputSchema = z
  .object({ projectId: IdSchema.or(z.string().min(1)).nullable(), deviceIds: DeviceIdsSchema, version: z.number().int().positive().optional() })
  .strict();

export const DeploymentFilterSchema = z.object({
  deviceId: z.string().optional(),
  projectId: z.string().optional(),
  state: DeploymentStateSchema.optional(),
  limit: z.coerce.number().int().min(1).max(1000).default(100),
});
export type DeploymentFilter = z.input<typeof DeploymentFilterSchema>;

function selectDeployments(ctx: ServiceContext) {
  return ctx.db.select({ d: deployments, projectName: projects.name }).from(deployments).leftJoin(projects, eq(projects.id, deployments.projectId));
}

type Joined = ReturnType<ReturnType<typeof selectDeployments>["all"]>[number];

function view({ d, projectName }: Joined): DeploymentView {
  return {
    id: d.id,
    deviceId: d.deviceId,
    projectId: d.projectId,
    projectName: projectName ?? null,
    projectVersion: d.projectVersion,
    state: d.state,
    pct: d.pct,
    reason: d.reason,
    createdBy: d.createdBy,
    createdAt: d.createdAt,
    updatedAt: d.updatedAt,
  };
}

export function listDeployments(ctx: ServiceContext, filter: DeploymentFilter = {}): DeploymentView[] {
  const f = DeploymentFilterSchema.parse(filter);
  const where: SQL[] = [];
  if (f.deviceId) where.push(eq(deployments.deviceId, f.deviceId));
  if (f.projectId) where.push(eq(deployments.projectId, f.projectId));
  if (f.state) where.push(eq(deployments.state, f.state));
  return selectDeployments(ctx)
    .where(and(...where))
    .orderBy(desc(deployments.createdAt), desc(deployments.id))
    .limit(f.limit)
    .all()
    .map(view);
}

function deploymentRow(ctx: ServiceContext, id: string): Joined {
  const row = selectDeployments(ctx).where(eq(deployments.id, id)).get();
  if (!row) throw new EdgelensError("NOT_FOUND", `no deployment ${id}`, { deploymentId: id });
  return row;
}

export function getDeploymentView(ctx: ServiceContext, id: string): DeploymentView {
  return view(deploymentRow(ctx, id));
}

export function getDeployment(ctx: ServiceContext, id: string): DeploymentDetail {
  const d = view(deploymentRow(ctx, id));
  const events = ctx.db
    .select({ id: deploymentEvents.id, state: deploymentEvents.state, pct: deploymentEvents.pct, reason: deploymentEvents.reason, ts: deploymentEvents.ts })
    .from(deploymentEvents)
    .where(eq(deploymentEvents.deploymentId, id))
    .orderBy(asc(deploymentEvents.id))
    .all();
  let desired: DesiredState | null = null;
  try {
    desired = buildDesiredState(ctx, id);
  } catch {
    // The project or its version was deleted since: the history stays readable.
    desired = null;
  }
  return { ...d, events, desired };
}

function artifactOf(ctx: ServiceContext, sha256: string): Artifact {
  const row = ctx.db.select().from(artifacts).where(eq(artifacts.sha256, sha256)).get();
  if (!row) throw new EdgelensError("NOT_FOUND", `artifact ${sha256} is not stored`, { sha256 });
  return { sha256, size: row.size, url: artifactUrl(sha256) };
}

/** The retained desired state of a deployment, rebuilt from the database. */
export function buildDesiredState(ctx: ServiceContext, deploymentId: string): DesiredState {
  const { d } = deploymentRow(ctx, deploymentId);
  if (d.projectId === null || d.projectVersion === null) {
    return DesiredStateSchema.parse({ deploymentId, project: null, function: null, models: {}, config: {}, ts: d.createdAt });
  }
  const project = getProject(ctx, d.projectId);
  const pv = getProjectVersion(ctx, d.projectId, d.projectVersion);
  const models: Record<string, Artifact> = {};
  for (const [slot, versionId] of Object.entries(pv.models)) {
    const mv = ctx.db.select({ sha256: modelVersions.sha256 }).from(modelVersions).where(eq(modelVersions.id, versionId)).get();
    if (!mv) throw new EdgelensError("NOT_FOUND", `model version ${versionId} of project ${project.id} is gone`, { projectId: project.id, deploymentId });
    models[slot] = artifactOf(ctx, mv.sha256);
  }
  const config: ProjectConfig = pv.config;
  return DesiredStateSchema.parse({
    deploymentId,
    project: { id: project.id, version: pv.version, name: project.name, ...(config.source ? { source: config.source } : {}) },
    function: artifactOf(ctx, pv.functionSha256),
    models,
    config,
    ts: d.createdAt,
  });
}

/** How a deployment that never reached the broker reads; the desired-state reconcile skips those. */
export const UNPUBLISHED_REASON = "desired state not";

function recordEvent(ctx: ServiceContext, deploymentId: string, state: DeploymentState, reason: string | null): void {
  const now = Date.now();
  ctx.db.insert(deploymentEvents).values({ deploymentId, state, reason, ts: now }).run();
  if (state !== "queued") ctx.db.update(deployments).set({ state, reason, updatedAt: now }).where(eq(deployments.id, deploymentId)).run();
}

/** Creates one queued deployment per device, then publishes each desired state retained, QoS 1. */
async function createAndPublish(ctx: ServiceContext, deviceIds: string[], target: { projectId: string; version: number } | null, actor?: string): Promise<DeploymentView[]> {
  const unique = [...new Set(deviceIds)];
  for (const id of unique) getDevice(ctx, id);
  const ids = ctx.handle.sqlite.transaction(() =>
    unique.map((deviceId) => {
      const id = newId("dpl");
      ctx.db
        .insert(deployments)
        .values({ id, deviceId, projectId: target?.projectId ?? null, projectVersion: target?.version ?? null, state: "queued", createdBy: actor ?? null })
        .run();
      recordEvent(ctx, id, "queued", null);
      return { id, deviceId };
    }),
  )();
  // Nothing that fails here reaches the device: the deployment cannot progress, so it fails now,
  // visibly. One unreachable broker fails the rest at once rather than after one timeout each.
  let unreachable: string | null = null;
  for (const { id, deviceId } of ids) {
    let payload: string;
    try {
      payload = JSON.stringify(buildDesiredState(ctx, id));
    } catch (err) {
      recordEvent(ctx, id, "failed", `${UNPUBLISHED_REASON} built: ${(err as Error).message}`);
      continue;
    }
    try {
      if (unreachable) throw new Error(unreachable);
      await ctx.mqtt.publish(topics.shadowDesired(deviceId), payload, { qos: 1, retain: true });
    } catch (err) {
      unreachable = (err as Error).message;
      recordEvent(ctx, id, "failed", `${UNPUBLISHED_REASON} published: ${unreachable}`);
    }
  }
  return ids.map(({ id }) => getDeploymentView(ctx, id));
}

export async function deployProject(ctx: ServiceContext, input: { projectId: string; deviceIds: string[]; version?: number }, actor?: string): Promise<DeploymentView[]> {
  const deviceIds = DeviceIdsSchema.parse(input.deviceIds);
  const project = getProject(ctx, input.projectId);
  const version = input.version ?? project.latestVersion;
  getProjectVersion(ctx, project.id, version);
  return createAndPublish(ctx, deviceIds, { projectId: project.id, version }, actor);
}

/** Deploys the empty project: the devices stop what they run (docs/design.md). */
export async function removeProject(ctx: ServiceContext, input: { deviceIds: string[] }, actor?: string): Promise<DeploymentView[]> {
  return createAndPublish(ctx, DeviceIdsSchema.parse(input.deviceIds), null, actor);
}
