/**
 * Deployments: the console writes each device's retained `shadow/desired` (docs/design.md "Desired
 * state"); the broker records the device's progress into deployments and deployment_events.
 */
import { and, asc, desc, eq, type SQL } from "drizzle-orm";
import { z } from "zod";
import { deploymentEvents, deployments, projects } from "@edgelens/db";
import { DeploymentStateSchema, EdgelensError, IdSchema, topics, type DeploymentState, type DesiredSoak, type DesiredStateV1 } from "@edgelens/shared";
import type { ServiceContext } from "../context";
import { newId } from "../ids";
import { buildDesiredState, buildDeviceDesiredState, deviceProjectRows, UNPUBLISHED_REASON } from "./device-desired-state";
import { getDevice } from "./devices";
import { galleryArtifactFor } from "./gallery-artifact";
import { getProject, getProjectVersion } from "./projects";

export { buildDesiredState, UNPUBLISHED_REASON } from "./device-desired-state";

export type DeploymentKind = (typeof deployments.$inferSelect)["kind"];

export interface DeploymentView {
  id: string;
  /** `deploy` adds (or replaces) a project on the device, `undeploy` removes one, `remove-all` every one. */
  kind: DeploymentKind;
  deviceId: string;
  projectId: string | null;
  projectName: string | null;
  projectVersion: number | null;
  state: DeploymentState;
  pct: number | null;
  reason: string | null;
  /** The group deployment it carries out (docs/design.md "Device groups"); null when deployed to the device directly. */
  groupDeploymentId: string | null;
  /** face-recognition: sha256 of the face gallery this deployment sends (replaced on every gallery change); null for other projects. */
  gallerySha256: string | null;
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

export type DeploymentDetail = DeploymentView & { events: DeploymentEventView[]; desired: DesiredStateV1 | null };

export const TERMINAL_STATES: ReadonlySet<DeploymentState> = new Set(["running", "degraded", "failed", "rolled-back", "removed"]);

const DeviceIdsSchema = z.array(z.string().min(1)).min(1, "deviceIds: name at least one device").max(1000);

export const DeployInputSchema = z
  .object({
    projectId: IdSchema.or(z.string().min(1)).nullable(),
    deviceIds: DeviceIdsSchema,
    version: z.number().int().positive().optional(),
    undeploy: z.boolean().optional().describe("remove this project from the devices; the others keep running"),
  })
  .strict()
  .refine((i) => !(i.undeploy && i.projectId === null), { message: "undeploy names a project (projectId null removes every project)", path: ["projectId"] })
  .refine((i) => !(i.undeploy && i.version !== undefined), { message: "undeploy takes no version", path: ["version"] });

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
    kind: d.kind,
    deviceId: d.deviceId,
    projectId: d.projectId,
    projectName: projectName ?? null,
    projectVersion: d.projectVersion,
    state: d.state,
    pct: d.pct,
    reason: d.reason,
    groupDeploymentId: d.groupDeploymentId,
    gallerySha256: d.gallerySha256,
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
  let desired: DesiredStateV1 | null = null;
  try {
    desired = buildDesiredState(ctx, id);
  } catch {
    // The project or its version was deleted since: the history stays readable.
    desired = null;
  }
  return { ...d, events, desired };
}

function recordEvent(ctx: ServiceContext, deploymentId: string, state: DeploymentState, reason: string | null): void {
  const now = Date.now();
  ctx.db.insert(deploymentEvents).values({ deploymentId, state, reason, ts: now }).run();
  if (state !== "queued") ctx.db.update(deployments).set({ state, reason, updatedAt: now }).where(eq(deployments.id, deploymentId)).run();
}

type Target = { kind: "deploy"; projectId: string; version: number; soak?: DesiredSoak } | { kind: "undeploy"; projectId: string } | { kind: "remove-all" };

export interface PublishOptions {
  /** The group deployment these device deployments carry out. */
  groupDeploymentId?: string;
  /**
   * Per device, a project the new one takes the place of (a group deployment that won over
   * another group's): it leaves the device's list in the same desired state, so the device
   * switches in one step instead of running both or going dark in between.
   */
  retire?: ReadonlyMap<string, string>;
}

/** The retired project's row: an `undeploy` settled at once, since the head deployment carries it out. */
function insertRetired(ctx: ServiceContext, deviceId: string, projectId: string, options: PublishOptions, actor?: string): void {
  const id = newId("dpl");
  const reason = "replaced by a group deployment of higher priority";
  ctx.db
    .insert(deployments)
    .values({ id, kind: "undeploy", deviceId, projectId, state: "removed", reason, groupDeploymentId: options.groupDeploymentId ?? null, createdBy: actor ?? null })
    .run();
  ctx.db.insert(deploymentEvents).values({ deploymentId: id, state: "removed", reason, ts: Date.now() }).run();
}

/**
 * Creates one queued deployment per device, then publishes each device's whole desired state
 * (every project it should run; docs/design.md) retained, QoS 1.
 */
export async function createAndPublish(ctx: ServiceContext, deviceIds: string[], target: Target, actor?: string, options: PublishOptions = {}): Promise<DeploymentView[]> {
  const unique = [...new Set(deviceIds)];
  for (const id of unique) getDevice(ctx, id);
  const gallerySha256 = target.kind === "deploy" ? await galleryArtifactFor(ctx, target.projectId) : null;
  const ids = ctx.handle.sqlite.transaction(() =>
    unique.map((deviceId) => {
      const retired = options.retire?.get(deviceId);
      if (retired) insertRetired(ctx, deviceId, retired, options, actor);
      const id = newId("dpl");
      ctx.db
        .insert(deployments)
        .values({
          id,
          kind: target.kind,
          deviceId,
          projectId: target.kind === "remove-all" ? null : target.projectId,
          projectVersion: target.kind === "deploy" ? target.version : null,
          ...(target.kind === "deploy" && target.soak ? { soakSeconds: target.soak.seconds, minFpsRatio: target.soak.minFpsRatio } : {}),
          gallerySha256,
          state: "queued",
          groupDeploymentId: options.groupDeploymentId ?? null,
          createdBy: actor ?? null,
        })
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
      payload = JSON.stringify(buildDeviceDesiredState(ctx, deviceId, id));
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

/** Adds the project to what each device runs, or replaces the version of it that runs there. */
export async function deployProject(ctx: ServiceContext, input: { projectId: string; deviceIds: string[]; version?: number; soak?: DesiredSoak }, actor?: string): Promise<DeploymentView[]> {
  const deviceIds = DeviceIdsSchema.parse(input.deviceIds);
  const project = getProject(ctx, input.projectId);
  const version = input.version ?? project.latestVersion;
  getProjectVersion(ctx, project.id, version);
  return createAndPublish(ctx, deviceIds, { kind: "deploy", projectId: project.id, version, ...(input.soak ? { soak: input.soak } : {}) }, actor);
}

/**
 * Removes one project from each device; the others keep running. A device the project is not
 * deployed to is refused (NOT_FOUND) before anything is created.
 */
export async function undeployProject(ctx: ServiceContext, input: { projectId: string; deviceIds: string[] }, actor?: string): Promise<DeploymentView[]> {
  const deviceIds = DeviceIdsSchema.parse(input.deviceIds);
  const project = getProject(ctx, input.projectId);
  const missing = [...new Set(deviceIds)].filter((deviceId) => {
    getDevice(ctx, deviceId);
    return !deviceProjectRows(ctx, deviceId).some((d) => d.projectId === project.id);
  });
  if (missing.length > 0) {
    throw new EdgelensError("NOT_FOUND", `project ${project.name} (${project.id}) is not deployed to ${missing.join(", ")}`, { projectId: project.id, deviceId: missing[0] });
  }
  return createAndPublish(ctx, deviceIds, { kind: "undeploy", projectId: project.id }, actor);
}

/** Removes every project from the devices (`deploy none`; docs/design.md). */
export async function removeProject(ctx: ServiceContext, input: { deviceIds: string[] }, actor?: string): Promise<DeploymentView[]> {
  return createAndPublish(ctx, DeviceIdsSchema.parse(input.deviceIds), { kind: "remove-all" }, actor);
}

/** The deployments that make each device's list now (what it runs or should), oldest first. */
export function deviceProjects(ctx: ServiceContext, deviceId: string): DeploymentView[] {
  return deviceProjectRows(ctx, deviceId)
    .reverse()
    .map((d) => getDeploymentView(ctx, d.id));
}
