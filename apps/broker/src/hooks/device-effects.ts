import type { DeploymentProgress, DeviceStatus, Telemetry } from "@edgelens/shared";
import type { DeviceTopic } from "@edgelens/shared/topics";
import { applyDeploymentProgress } from "../db/deployment-progress";
import { describeError } from "../log";
import type { BrokerServices } from "../services";

/**
 * What a device's own messages change in the database: agent version from `status`, the latest
 * telemetry (throttled), deployment progress. Runs after the message was validated and relayed;
 * a database error is logged and never reaches aedes.
 */
export function applyDeviceEffects(s: BrokerServices, topic: DeviceTopic, value: unknown, now: number): void {
  try {
    switch (topic.kind) {
      case "status":
        s.presence.setAgentVersion(topic.deviceId, (value as DeviceStatus).agentVersion);
        break;
      case "telemetry":
        s.telemetry.record(topic.deviceId, value as Telemetry, now);
        break;
      case "deployments": {
        const outcome = applyDeploymentProgress(s.db, topic.deviceId, value as DeploymentProgress, now);
        if (outcome === "unknown-deployment") {
          s.rateLimitedLog(`unknown-deployment:${topic.deviceId}`, "warn", `progress for unknown deployment ${topic.deploymentId}`, {
            code: "NOT_FOUND",
            deviceId: topic.deviceId,
            deploymentId: topic.deploymentId,
          });
        }
        break;
      }
      default:
        break;
    }
  } catch (err) {
    s.log.error(`could not record ${topic.kind}: ${describeError(err)}`, { code: "INTERNAL", deviceId: topic.deviceId });
  }
}
