/**
 * A device's named cameras (docs/design.md "Cameras"): stored in the database and sent to the
 * agent in its `shadow/desired.cameras`, published again on every change.
 */
import { and, count, eq } from "drizzle-orm";
import { z } from "zod";
import { cameras } from "@edgelens/db";
import { CameraNameSchema, CameraSchema, EdgelensError, formatZodError, redactUri, topics } from "@edgelens/shared";
import type { ServiceContext } from "../context";
import { currentDesiredState } from "./device-desired-state";
import { getDevice } from "./devices";

const MAX_CAMERAS = 32;

export const NewCameraSchema = CameraSchema.strict();

export interface CameraView {
  name: string;
  /** With any password hidden. */
  uri: string;
  createdAt: number;
}

export function listCameras(ctx: ServiceContext, deviceId: string): CameraView[] {
  getDevice(ctx, deviceId);
  return ctx.db
    .select()
    .from(cameras)
    .where(eq(cameras.deviceId, deviceId))
    .orderBy(cameras.createdAt, cameras.name)
    .all()
    .map((r) => ({ name: r.name, uri: redactUri(r.uri), createdAt: r.createdAt }));
}

/** Sends the device its desired state with the cameras as they are now (retained, QoS 1). */
async function publishCameras(ctx: ServiceContext, deviceId: string): Promise<void> {
  const desired = currentDesiredState(ctx, deviceId) ?? { version: 2, deploymentId: `cameras-${deviceId}`, projects: [], cameras: [], ts: Date.now() };
  try {
    await ctx.mqtt.publish(topics.shadowDesired(deviceId), JSON.stringify(desired), { qos: 1, retain: true });
  } catch (err) {
    // Stored all the same: the console publishes it again at its next start (desired-reconcile.ts) or with the next change.
    throw new EdgelensError("INTERNAL", `camera saved, but the device's desired state was not published: ${(err as Error).message}`, { deviceId });
  }
}

export async function addCamera(ctx: ServiceContext, deviceId: string, input: z.input<typeof NewCameraSchema>): Promise<CameraView> {
  getDevice(ctx, deviceId);
  const parsed = NewCameraSchema.safeParse(input);
  if (!parsed.success) throw new EdgelensError("INVALID_PAYLOAD", `invalid camera: ${formatZodError(parsed.error)}`, { deviceId });
  const { name, uri } = parsed.data;
  const where = and(eq(cameras.deviceId, deviceId), eq(cameras.name, name));
  if (ctx.db.select({ name: cameras.name }).from(cameras).where(where).get()) {
    throw new EdgelensError("CONFLICT", `device ${deviceId} already has a camera ${name}`, { deviceId, camera: name });
  }
  const [{ n } = { n: 0 }] = ctx.db.select({ n: count() }).from(cameras).where(eq(cameras.deviceId, deviceId)).all();
  if (n >= MAX_CAMERAS) throw new EdgelensError("TOO_LARGE", `device ${deviceId} has ${n} cameras, the most it may have`, { deviceId });
  ctx.db.insert(cameras).values({ deviceId, name, uri }).run();
  await publishCameras(ctx, deviceId);
  return listCameras(ctx, deviceId).find((c) => c.name === name)!;
}

export async function removeCamera(ctx: ServiceContext, deviceId: string, name: string): Promise<void> {
  getDevice(ctx, deviceId);
  const checked = CameraNameSchema.safeParse(name);
  const where = and(eq(cameras.deviceId, deviceId), eq(cameras.name, name));
  if (!checked.success || !ctx.db.select({ name: cameras.name }).from(cameras).where(where).get()) {
    throw new EdgelensError("NOT_FOUND", `device ${deviceId} has no camera ${name}`, { deviceId, camera: name });
  }
  ctx.db.delete(cameras).where(where).run();
  await publishCameras(ctx, deviceId);
}
