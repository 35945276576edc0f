/**
 * A plain MQTT client with a device's own credentials (from the downloaded edgelens-device.json):
 * used to read what the console published for the device (the retained desired state) exactly
 * as the device would, through the broker's ACL.
 */
import mqtt from "mqtt";
import { readFileSync } from "node:fs";
import { DesiredStateSchema, DeviceFileSchema, desiredProjectsOf, type DesiredStateV2, type DeviceFile } from "@edgelens/shared/schemas";
import { topics } from "@edgelens/shared/topics";

export function readDeviceFile(path: string): DeviceFile {
  return DeviceFileSchema.parse(JSON.parse(readFileSync(path, "utf8")));
}

/** The retained `shadow/desired` of the device (as a list), once it names `deploymentId`. */
export async function readDesiredState(file: DeviceFile, deploymentId: string, timeoutMs: number): Promise<DesiredStateV2> {
  const client = await mqtt.connectAsync(file.brokerUrl, { username: file.deviceId, password: file.secret, clientId: `${file.deviceId}:e2e-reader`, reconnectPeriod: 0, connectTimeout: 5000 });
  try {
    return await new Promise<DesiredStateV2>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`no desired state for ${deploymentId} within ${timeoutMs} ms`)), timeoutMs);
      client.on("message", (_topic, payload) => {
        const parsed = DesiredStateSchema.safeParse(JSON.parse(payload.toString("utf8")));
        if (parsed.success && parsed.data.deploymentId === deploymentId) {
          clearTimeout(timer);
          resolve(desiredProjectsOf(parsed.data));
        }
      });
      client.subscribe(topics.shadowDesired(file.deviceId), { qos: 1 }, (err) => {
        if (err) {
          clearTimeout(timer);
          reject(err);
        }
      });
    });
  } finally {
    await client.endAsync(true);
  }
}
