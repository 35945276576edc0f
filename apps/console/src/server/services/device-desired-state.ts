/**
 * A device's `shadow/desired` (docs/design.md "Desired state"), rebuilt from the deployments
 * table: version 2 lists every project the device should run, each with its own deployment.
 */
import { and, desc, eq, sql } from "drizzle-orm";
import { artifacts, cameras, deployments, modelVersions } from "@edgelens/db";
import { CameraSchema, DesiredProjectSchema, DesiredStateV1Schema, DesiredStateV2Schema, EdgelensError, type Artifact, type Camera, type DesiredProject, type DesiredStateV1, type ProjectConfig } from "@edgelens/shared";
import type { ServiceContext } from "../context";
import { artifactUrl } from "../storage/artifacts";
import { getProject, getProjectVersion } from "./projects";

/** How a deployment that never reached the broker reads; such rows change no desired state. */
export const UNPUBLISHED_REASON = "desired state not";

/** Rows of `deployments` under `alias` that reached the broker (console-side failures never did); correlated subqueries name their alias. */
export const publishedAs = (alias: string) => sql.raw(`NOT (${alias}.state = 'failed' AND coalesce(${alias}.reason, '') LIKE '${UNPUBLISHED_REASON}%')`);

/** Rows that reached the broker (console-side failures never did). */
export const publishedOnly = publishedAs("deployments");

type DeploymentRow = typeof deployments.$inferSelect;

function artifactOf(ctx: ServiceContext, sha256: string): Artifact {
  const row = ctx.db.select().from(artifacts).where(eq(artifacts.sha256, sha256)).get();
  if (!row) throw new EdgelensError("NOT_FOUND", `artifact ${sha256} is not stored`, { sha256 });
  return { sha256, size: row.size, url: artifactUrl(sha256) };
}

/** One project entry: the project version's function, models and config under the deployment's id. */
function desiredEntry(ctx: ServiceContext, d: DeploymentRow): DesiredProject {
  if (d.kind !== "deploy" || d.projectId === null || d.projectVersion === null) {
    throw new EdgelensError("INVALID_PAYLOAD", `deployment ${d.id} deploys no project`, { deploymentId: d.id });
  }
  const project = getProject(ctx, d.projectId);
  const pv = getProjectVersion(ctx, d.projectId, d.projectVersion);
  const models: Record<string, Artifact> = {};
  for (const [slot, versionId] of Object.entries(pv.models)) {
    const mv = ctx.db.select({ sha256: modelVersions.sha256 }).from(modelVersions).where(eq(modelVersions.id, versionId)).get();
    if (!mv) throw new EdgelensError("NOT_FOUND", `model version ${versionId} of project ${project.id} is gone`, { projectId: project.id, deploymentId: d.id });
    models[slot] = artifactOf(ctx, mv.sha256);
  }
  const config: ProjectConfig = pv.config;
  return DesiredProjectSchema.parse({
    deploymentId: d.id,
    project: { id: project.id, version: pv.version, name: project.name, ...(config.source ? { source: config.source } : {}) },
    function: artifactOf(ctx, pv.functionSha256),
    models,
    config,
    ...(d.gallerySha256 ? { gallery: artifactOf(ctx, d.gallerySha256) } : {}),
    ...(d.soakSeconds !== null && d.soakSeconds > 0 ? { health: { soakSeconds: d.soakSeconds, minFpsRatio: d.minFpsRatio ?? 0 } } : {}),
  });
}

function rowOf(ctx: ServiceContext, deploymentId: string): DeploymentRow {
  const d = ctx.db.select().from(deployments).where(eq(deployments.id, deploymentId)).get();
  if (!d) throw new EdgelensError("NOT_FOUND", `no deployment ${deploymentId}`, { deploymentId });
  return d;
}

/** One deployment on its own, in the single-project (version 1) shape: what it asks of the device. */
export function buildDesiredState(ctx: ServiceContext, deploymentId: string): DesiredStateV1 {
  const d = rowOf(ctx, deploymentId);
  if (d.kind !== "deploy") return DesiredStateV1Schema.parse({ deploymentId, project: null, function: null, models: {}, config: {}, ts: d.createdAt });
  const { project, function: fn, models, config } = desiredEntry(ctx, d);
  return DesiredStateV1Schema.parse({ deploymentId, project, function: fn, models, config, ts: d.createdAt });
}

/**
 * The deployment rows that make the device's list, newest first: per project its newest
 * published row, back to the newest `remove-all`; a project whose newest row is an `undeploy`
 * is not in the list. Failed deployments stay (the agent knows it handled them). The device list
 * reads the same in SQL for many devices at once (`projectLists` in devices.ts).
 */
export function deviceProjectRows(ctx: ServiceContext, deviceId: string): DeploymentRow[] {
  const rows = ctx.db
    .select()
    .from(deployments)
    .where(and(eq(deployments.deviceId, deviceId), publishedOnly))
    .orderBy(desc(deployments.createdAt), desc(deployments.id))
    .all();
  const seen = new Set<string>();
  const out: DeploymentRow[] = [];
  for (const d of rows) {
    if (d.kind === "remove-all") break;
    // A deleted project's rows lost their project id: nothing of it can be built any more.
    if (d.projectId === null || seen.has(d.projectId)) continue;
    seen.add(d.projectId);
    if (d.kind === "deploy") out.push(d);
  }
  return out;
}

/**
 * The device's version-2 desired state after deployment `headId` (the one that changed it).
 * When the list is one project deployed by `headId`, or empty, the version-1 fields are there
 * too, so an agent from before multi-project still carries it out (docs/design.md).
 */
export function buildDeviceDesiredState(ctx: ServiceContext, deviceId: string, headId: string): Record<string, unknown> {
  const head = rowOf(ctx, headId);
  const entries = deviceProjectRows(ctx, deviceId)
    .reverse()
    .map((d) => desiredEntry(ctx, d));
  const doc = DesiredStateV2Schema.parse({ version: 2, deploymentId: headId, projects: entries, cameras: deviceCameras(ctx, deviceId), ts: head.createdAt });
  const only = entries.length === 1 ? entries[0] : undefined;
  if (entries.length === 0 || only?.deploymentId === headId) {
    const { version: _v1, ...legacy } = buildDesiredState(ctx, headId);
    return { ...legacy, ...doc };
  }
  return doc;
}

/** The device's cameras, oldest first, URIs as stored (the device needs the password). */
export function deviceCameras(ctx: ServiceContext, deviceId: string): Camera[] {
  const rows = ctx.db.select().from(cameras).where(eq(cameras.deviceId, deviceId)).orderBy(cameras.createdAt, cameras.name).all();
  return rows.map((r) => CameraSchema.parse({ name: r.name, uri: r.uri }));
}

/** The newest deployment of a device that reached the broker (console-side failures never did): the head of its desired state. */
export function newestPublished(ctx: ServiceContext, deviceId: string): string | null {
  const row = ctx.db
    .select({ id: deployments.id })
    .from(deployments)
    .where(and(eq(deployments.deviceId, deviceId), publishedOnly))
    .orderBy(desc(deployments.createdAt), desc(deployments.id))
    .limit(1)
    .get();
  return row?.id ?? null;
}

/**
 * The device's desired state as it stands: after its newest published deployment, or, for a
 * device never deployed to, its cameras and no project under the id `cameras-<device>` (an agent
 * reports it `removed`, which no deployment row records). Null: nothing to ask of it.
 */
export function currentDesiredState(ctx: ServiceContext, deviceId: string): Record<string, unknown> | null {
  const head = newestPublished(ctx, deviceId);
  if (head) return buildDeviceDesiredState(ctx, deviceId, head);
  const cams = deviceCameras(ctx, deviceId);
  if (cams.length === 0) return null;
  return DesiredStateV2Schema.parse({ version: 2, deploymentId: `cameras-${deviceId}`, projects: [], cameras: cams, ts: Date.now() });
}
