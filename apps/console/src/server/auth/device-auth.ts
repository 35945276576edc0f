/** Devices authenticate artifact downloads with `Authorization: Bearer <deviceId>:<secret>` (docs/design.md). */
import { DeviceIdSchema } from "@edgelens/shared";
import type { ServiceContext } from "../context";
import { verifyDeviceCredentials } from "../services/devices";
import { bearerToken } from "./request-auth";

/** The device id when the bearer is a device's credentials; null when it is not device-shaped. */
export function deviceBearer(req: Request): { deviceId: string; secret: string } | null {
  const token = bearerToken(req);
  const colon = token?.indexOf(":") ?? -1;
  if (!token || colon <= 0) return null;
  const deviceId = token.slice(0, colon);
  return DeviceIdSchema.safeParse(deviceId).success ? { deviceId, secret: token.slice(colon + 1) } : null;
}

export async function authenticateDevice(ctx: ServiceContext, req: Request): Promise<string | null> {
  const creds = deviceBearer(req);
  if (!creds) return null;
  return (await verifyDeviceCredentials(ctx, creds.deviceId, creds.secret)) ? creds.deviceId : null;
}
