/**
 * A device's side of MQTT for tests that do not run the agent: it connects with the device
 * file's credentials (the broker's real auth and ACL apply) and publishes progress.
 */
import mqtt, { type MqttClient } from "mqtt";
import { topics, type DeploymentProgress, type DeviceFile } from "@edgelens/shared";

export async function connectAsDevice(brokerUrl: string, file: DeviceFile): Promise<MqttClient> {
  return mqtt.connectAsync(brokerUrl, { username: file.deviceId, password: file.secret, clientId: `${file.deviceId}:test`, reconnectPeriod: 0 });
}

export async function reportProgress(client: MqttClient, deviceId: string, progress: Omit<DeploymentProgress, "ts">): Promise<void> {
  await client.publishAsync(topics.deployment(deviceId, progress.deploymentId), JSON.stringify({ ...progress, ts: Date.now() }), { qos: 1 });
}

/** The next message on a topic (retained ones included), parsed as JSON. */
export async function nextJson(client: MqttClient, topic: string, accept: (json: unknown) => boolean = () => true): Promise<unknown> {
  const got = new Promise<unknown>((resolve) => {
    const onMessage = (t: string, payload: Buffer) => {
      if (t !== topic) return;
      const json: unknown = JSON.parse(payload.toString("utf8"));
      // The subscribe itself may deliver the retained message from before the change under test.
      if (!accept(json)) return;
      client.off("message", onMessage);
      resolve(json);
    };
    client.on("message", onMessage);
  });
  await client.subscribeAsync(topic, { qos: 1 });
  return got;
}
