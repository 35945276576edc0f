/** Devices: registration (secret shown once in edgelens-device.json), listing, preview requests, commands. */
import { and, asc, count, eq, inArray, sql, type SQL } from "drizzle-orm";
import { z } from "zod";
import { deployments, devices, deviceTags, digestToken, generateSecret, hashSecret, projects, verifySecret } from "@edgelens/db";
import {
  CommandSchema,
  DeviceFileSchema,
  DeviceIdSchema,
  EdgelensError,
  StreamRequestSchema,
  TelemetrySchema,
  topics,
  type Command,
  type DeploymentState,
  type DeviceFile,
  type StreamRequest,
  type Telemetry,
} from "@edgelens/shared";
import type { ServiceContext } from "../context";
import { newId } from "../ids";
import { publishedAs, publishedOnly } from "./device-desired-state";

export interface DeviceDeploymentView {
  id: string;
  state: DeploymentState;
  pct: number | null;
  reason: string | null;
  projectId: string | null;
  projectName: string | null;
  projectVersion: number | null;
}

export interface DeviceView {
  id: string;
  name: string;
  registration: "awaiting-credentials" | "registered";
  presence: "online" | "offline";
  agentVersion: string | null;
  lastSeenAt: number | null;
  createdAt: number;
  telemetry: Telemetry | null;
  fps: number | null;
  /** What the device runs now (the broker sets it when a deployment reaches `running`). */
  deployment: DeviceDeploymentView | null;
  /** The newest deployment sent to it, in whatever state (queued, failed, ...). */
  latestDeployment: DeviceDeploymentView | null;
  /** Every project it should run (its desired list), oldest first, each with its deployment's state. */
  projects: DeviceDeploymentView[];
  /** key=value tags (dynamic groups query them). */
  tags: Record<string, string>;
  /** Set while pinned: group deployments skip the device (docs/design.md "Device groups"). */
  pin: { at: number; projectId: string | null; version: number | null } | null;
}

export const NewDeviceSchema = z
  .object({ id: DeviceIdSchema, name: z.string().trim().min(1).max(128).optional() })
  .strict();

const AUTH_CACHE_MS = 60_000;

function selectDevices(ctx: ServiceContext) {
  return ctx.db
    .select({ device: devices, deployment: deployments, projectName: projects.name })
    .from(devices)
    .leftJoin(deployments, eq(deployments.id, devices.currentDeploymentId))
    .leftJoin(projects, eq(projects.id, deployments.projectId));
}

type Joined = Awaited<ReturnType<ReturnType<typeof selectDevices>["all"]>>[number];

function deploymentView(dep: typeof deployments.$inferSelect, projectName: string | null | undefined): DeviceDeploymentView {
  return { id: dep.id, state: dep.state, pct: dep.pct, reason: dep.reason, projectId: dep.projectId, projectName: projectName ?? null, projectVersion: dep.projectVersion };
}

/** The newest deployment (whatever its state) of each listed device, or of every device when `deviceIds` is absent. */
function latestDeployments(ctx: ServiceContext, deviceIds?: readonly string[]): Map<string, DeviceDeploymentView> {
  if (deviceIds?.length === 0) return new Map();
  const newest = sql`${deployments.id} = (SELECT d2.id FROM deployments d2 WHERE d2.device_id = ${deployments.deviceId} ORDER BY d2.created_at DESC, d2.id DESC LIMIT 1)`;
  const rows = ctx.db
    .select({ d: deployments, projectName: projects.name })
    .from(deployments)
    .leftJoin(projects, eq(projects.id, deployments.projectId))
    .where(deviceIds ? and(newest, inArray(deployments.deviceId, [...deviceIds])) : newest)
    .all();
  return new Map(rows.map((r) => [r.d.deviceId, deploymentView(r.d, r.projectName)]));
}

/** Tags of the listed devices, or of every device when `deviceIds` is absent. */
export function tagsOf(ctx: ServiceContext, deviceIds?: readonly string[]): Map<string, Record<string, string>> {
  if (deviceIds?.length === 0) return new Map();
  const rows = ctx.db
    .select()
    .from(deviceTags)
    .where(deviceIds ? inArray(deviceTags.deviceId, [...deviceIds]) : undefined)
    .orderBy(asc(deviceTags.key))
    .all();
  const out = new Map<string, Record<string, string>>();
  for (const r of rows) out.set(r.deviceId, { ...out.get(r.deviceId), [r.key]: r.value });
  return out;
}

/**
 * The project lists of the listed devices, or of every device when `deviceIds` is absent, in one
 * query that reads only the listed rows: `deviceProjectRows` in SQL (per project its newest
 * published row, a `deploy`, newer than the newest published `remove-all`), oldest first.
 */
function projectLists(ctx: ServiceContext, deviceIds?: readonly string[]): Map<string, DeviceDeploymentView[]> {
  if (deviceIds?.length === 0) return new Map();
  const newestOfProject = sql`${deployments.id} = (SELECT d2.id FROM deployments d2 WHERE d2.device_id = ${deployments.deviceId} AND d2.project_id = ${deployments.projectId} AND ${publishedAs("d2")} ORDER BY d2.created_at DESC, d2.id DESC LIMIT 1)`;
  const afterRemoveAll = sql`NOT EXISTS (SELECT 1 FROM deployments r WHERE r.device_id = ${deployments.deviceId} AND r.kind = 'remove-all' AND ${publishedAs("r")} AND (r.created_at > ${deployments.createdAt} OR (r.created_at = ${deployments.createdAt} AND r.id > ${deployments.id})))`;
  const rows = ctx.db
    .select({ d: deployments, projectName: projects.name })
    .from(deployments)
    .leftJoin(projects, eq(projects.id, deployments.projectId))
    .where(and(eq(deployments.kind, "deploy"), publishedOnly, newestOfProject, afterRemoveAll, deviceIds ? inArray(deployments.deviceId, [...deviceIds]) : undefined))
    .orderBy(asc(deployments.createdAt), asc(deployments.id))
    .all();
  const out = new Map<string, DeviceDeploymentView[]>();
  for (const r of rows) {
    const list = out.get(r.d.deviceId) ?? [];
    list.push(deploymentView(r.d, r.projectName));
    out.set(r.d.deviceId, list);
  }
  return out;
}

interface Extras {
  latest: Map<string, DeviceDeploymentView>;
  tags: Map<string, Record<string, string>>;
  projects: Map<string, DeviceDeploymentView[]>;
}

function extrasOf(ctx: ServiceContext, deviceIds?: readonly string[]): Extras {
  return { latest: latestDeployments(ctx, deviceIds), tags: tagsOf(ctx, deviceIds), projects: projectLists(ctx, deviceIds) };
}

function view({ device: d, deployment: dep, projectName }: Joined, { latest, tags, projects: lists }: Extras): DeviceView {
  const telemetry = d.telemetry === null ? null : TelemetrySchema.safeParse(d.telemetry).data ?? null;
  return {
    id: d.id,
    name: d.name,
    registration: d.registration,
    presence: d.presence,
    agentVersion: d.agentVersion,
    lastSeenAt: d.lastSeenAt,
    createdAt: d.createdAt,
    telemetry,
    fps: telemetry?.fps ?? null,
    deployment: dep ? deploymentView(dep, projectName) : null,
    latestDeployment: latest.get(d.id) ?? null,
    projects: lists.get(d.id) ?? [],
    tags: tags.get(d.id) ?? {},
    pin: d.pinnedAt === null ? null : { at: d.pinnedAt, projectId: d.pinnedProjectId, version: d.pinnedVersion },
  };
}

function deviceFile(ctx: ServiceContext, deviceId: string, secret: string): DeviceFile {
  return DeviceFileSchema.parse({ deviceId, secret, brokerUrl: ctx.config.brokerUrl, consoleUrl: ctx.config.consoleUrl });
}

/** Every device, by id. For callers that need the whole fleet (CLI, pickers); pages use `queryDevices`. */
export function listDevices(ctx: ServiceContext): DeviceView[] {
  const extras = extrasOf(ctx);
  return selectDevices(ctx).orderBy(asc(devices.id)).all().map((row) => view(row, extras));
}

/** The views of the given devices, in id order (a page of a group's members). */
export function devicesByIds(ctx: ServiceContext, ids: readonly string[]): DeviceView[] {
  const out: DeviceView[] = [];
  // Chunks keep each statement far below SQLite's bound-parameter limit, whatever the group's size.
  for (let i = 0; i < ids.length; i += 500) {
    const chunk = ids.slice(i, i + 500);
    const extras = extrasOf(ctx, chunk);
    out.push(...selectDevices(ctx).where(inArray(devices.id, chunk)).all().map((row) => view(row, extras)));
  }
  return out.sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
}

export const DEVICE_PAGE_MAX = 200;

export const DeviceQuerySchema = z.object({
  q: z.string().trim().max(128).optional().describe("part of the id or the name, case-insensitive (ASCII letters)"),
  presence: z.enum(["online", "offline"]).optional(),
  limit: z.coerce.number().int().min(1).max(DEVICE_PAGE_MAX).default(50),
  offset: z.coerce.number().int().min(0).max(Number.MAX_SAFE_INTEGER).default(0),
});
export type DeviceQuery = z.input<typeof DeviceQuerySchema>;

export interface DevicePage {
  items: DeviceView[];
  /** Devices matching q and presence, over all pages. */
  total: number;
  limit: number;
  offset: number;
}

/** `%` and `_` in a search are literal characters, not LIKE wildcards. */
function containsPattern(q: string): string {
  return `%${q.replace(/[\\%_]/g, "\\$&")}%`;
}

function deviceConditions(f: z.output<typeof DeviceQuerySchema>): SQL | undefined {
  const where: SQL[] = [];
  // SQLite's LIKE ignores case for ASCII letters only; ids are lower-case ASCII anyway.
  if (f.q) {
    const pattern = containsPattern(f.q);
    where.push(sql`(${devices.id} LIKE ${pattern} ESCAPE '\\' OR ${devices.name} LIKE ${pattern} ESCAPE '\\')`);
  }
  if (f.presence) where.push(eq(devices.presence, f.presence));
  return and(...where);
}

/**
 * One page of devices by id, filtered in SQL: a COUNT for the total, LIMIT/OFFSET for the rows,
 * and the latest-deployment lookup only for the page's devices, so the work follows the page size,
 * not the fleet size.
 */
export function queryDevices(ctx: ServiceContext, query: DeviceQuery = {}): DevicePage {
  const f = DeviceQuerySchema.parse(query);
  const where = deviceConditions(f);
  const total = ctx.db.select({ n: count() }).from(devices).where(where).get()?.n ?? 0;
  const rows = selectDevices(ctx).where(where).orderBy(asc(devices.id)).limit(f.limit).offset(f.offset).all();
  const extras = extrasOf(ctx, rows.map((r) => r.device.id));
  return { items: rows.map((row) => view(row, extras)), total, limit: f.limit, offset: f.offset };
}

export function getDevice(ctx: ServiceContext, id: string): DeviceView {
  const found = selectDevices(ctx).where(eq(devices.id, id)).get();
  if (!found) throw new EdgelensError("NOT_FOUND", `no device ${id}`, { deviceId: id });
  return view(found, extrasOf(ctx, [id]));
}

export async function registerDevice(ctx: ServiceContext, input: z.input<typeof NewDeviceSchema>): Promise<{ device: DeviceView; deviceFile: DeviceFile }> {
  const { id, name } = NewDeviceSchema.parse(input);
  if (ctx.db.select({ id: devices.id }).from(devices).where(eq(devices.id, id)).get()) {
    throw new EdgelensError("CONFLICT", `device ${id} is already registered`, { deviceId: id });
  }
  const secret = generateSecret(32);
  ctx.db.insert(devices).values({ id, name: name ?? id, secretHash: await hashSecret(secret) }).run();
  return { device: getDevice(ctx, id), deviceFile: deviceFile(ctx, id, secret) };
}

/** A new secret (the old one stops working at once); the device needs the new file. */
export async function rotateDeviceSecret(ctx: ServiceContext, id: string): Promise<{ device: DeviceView; deviceFile: DeviceFile }> {
  getDevice(ctx, id);
  const secret = generateSecret(32);
  ctx.db.update(devices).set({ secretHash: await hashSecret(secret), registration: "awaiting-credentials" }).where(eq(devices.id, id)).run();
  ctx.deviceAuthCache.delete(id);
  return { device: getDevice(ctx, id), deviceFile: deviceFile(ctx, id, secret) };
}

export function renameDevice(ctx: ServiceContext, id: string, name: string): DeviceView {
  const trimmed = name.trim();
  if (trimmed.length < 1 || trimmed.length > 128) throw new EdgelensError("INVALID_PAYLOAD", "name: must be 1-128 characters", { deviceId: id });
  getDevice(ctx, id);
  ctx.db.update(devices).set({ name: trimmed }).where(eq(devices.id, id)).run();
  return getDevice(ctx, id);
}

/**
 * Deletes the device (its deployments go with it). Its credentials stop working at once, so
 * the broker refuses its next connection and drops the current one. Then the retained desired
 * state is cleared so a re-registered device with the same id starts empty; that step needs the
 * broker, and `brokerCleared: false` says it could not be reached.
 */
export async function deregisterDevice(ctx: ServiceContext, id: string): Promise<{ brokerCleared: boolean; warning: string | null }> {
  getDevice(ctx, id);
  ctx.db.delete(devices).where(eq(devices.id, id)).run();
  ctx.deviceAuthCache.delete(id);
  try {
    await ctx.mqtt.publish(topics.shadowDesired(id), "", { qos: 1, retain: true });
    return { brokerCleared: true, warning: null };
  } catch (err) {
    return { brokerCleared: false, warning: `device ${id} removed, but its retained desired state was not cleared: ${(err as Error).message}` };
  }
}

export const StreamRequestInputSchema = z
  .object({
    stream: z.enum(["project", "device"]).default("project"),
    seconds: z.number().int().min(1).max(300).default(30),
    fps: z.number().positive().max(30).optional(),
  })
  .strict();

export async function requestStream(ctx: ServiceContext, id: string, input: z.input<typeof StreamRequestInputSchema>): Promise<StreamRequest> {
  const { stream, seconds, fps } = StreamRequestInputSchema.parse(input);
  getDevice(ctx, id);
  const request = StreamRequestSchema.parse({ stream, until: Date.now() + seconds * 1000, ...(fps ? { fps } : {}) });
  await ctx.mqtt.publish(topics.streamRequest(id), JSON.stringify(request), { qos: 0 });
  return request;
}

export async function sendCommand(ctx: ServiceContext, id: string, cmd: Command["cmd"], args?: Record<string, unknown>): Promise<Command> {
  getDevice(ctx, id);
  const command = CommandSchema.parse({ cmd, id: newId("cmd"), ...(args ? { args } : {}) });
  await ctx.mqtt.publish(topics.commands(id), JSON.stringify(command), { qos: 1 });
  return command;
}

/** Artifact downloads: scrypt once per device and secret, then a digest match for a minute. */
export async function verifyDeviceCredentials(ctx: ServiceContext, deviceId: string, secret: string): Promise<boolean> {
  const found = ctx.db.select({ secretHash: devices.secretHash }).from(devices).where(eq(devices.id, deviceId)).get();
  if (!found) return false;
  const digest = digestToken(secret);
  const cached = ctx.deviceAuthCache.get(deviceId);
  if (cached && cached.secretHash === found.secretHash && cached.digest === digest && cached.until > Date.now()) return true;
  if (!(await verifySecret(secret, found.secretHash))) return false;
  ctx.deviceAuthCache.set(deviceId, { secretHash: found.secretHash, digest, until: Date.now() + AUTH_CACHE_MS });
  return true;
}
