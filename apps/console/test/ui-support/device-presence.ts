/**
 * Connects with a device's credentials the way the agent does (client id = device id), for the
 * registration step while `pnpm -s agent run` is not available. The broker marks the device
 * registered and online on this connection, exactly as for the agent.
 */
import mqtt, { type MqttClient } from "mqtt";
import type { DeviceFile } from "@edgelens/shared/schemas";

export function connectAsDevice(file: DeviceFile): Promise<MqttClient> {
  return mqtt.connectAsync(file.brokerUrl, { username: file.deviceId, password: file.secret, clientId: file.deviceId, reconnectPeriod: 0, connectTimeout: 5000 });
}
