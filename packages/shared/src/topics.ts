/**
 * Every topic string of Edgelens is spelled here and only here (docs/design.md "Topics").
 * Builders make topics, `parseDeviceTopic` reads them back, and the ACL predicates below are
 * what the broker enforces.
 */
import { DeviceIdSchema, IdSchema } from "./schemas/common";
import type { StreamName } from "./schemas/device";

export const TOPIC_ROOT = "edgelens";
export const DEVICES_LEVEL = "devices";

const PREFIX = `${TOPIC_ROOT}/${DEVICES_LEVEL}/`;

export type DeviceTopic =
  | { deviceId: string; kind: "infer" }
  | { deviceId: string; kind: "status" }
  | { deviceId: string; kind: "telemetry" }
  | { deviceId: string; kind: "shadow/desired" }
  | { deviceId: string; kind: "shadow/reported" }
  | { deviceId: string; kind: "deployments"; deploymentId: string }
  | { deviceId: string; kind: "stream/request" }
  | { deviceId: string; kind: "frames"; stream: StreamName }
  | { deviceId: string; kind: "logs" }
  | { deviceId: string; kind: "commands" };

export type DeviceTopicKind = DeviceTopic["kind"];

const SIMPLE_KINDS = ["infer", "status", "telemetry", "shadow/desired", "shadow/reported", "stream/request", "logs", "commands"] as const;

/**
 * The device topics the contract retains (docs/design.md "Topics"): one message each per device.
 * The broker clears the retain flag anywhere else, so a device cannot pile up retained messages.
 */
export const RETAINED_TOPIC_KINDS: ReadonlySet<DeviceTopicKind> = new Set(["status", "shadow/desired", "shadow/reported"]);

export function deviceTopicPrefix(deviceId: string): string {
  return `${PREFIX}${deviceId}/`;
}

export function buildDeviceTopic(t: DeviceTopic): string {
  const base = deviceTopicPrefix(t.deviceId);
  switch (t.kind) {
    case "deployments":
      return `${base}deployments/${t.deploymentId}`;
    case "frames":
      return `${base}frames/${t.stream}`;
    default:
      return `${base}${t.kind}`;
  }
}

export const topics = {
  infer: (deviceId: string) => buildDeviceTopic({ deviceId, kind: "infer" }),
  status: (deviceId: string) => buildDeviceTopic({ deviceId, kind: "status" }),
  telemetry: (deviceId: string) => buildDeviceTopic({ deviceId, kind: "telemetry" }),
  shadowDesired: (deviceId: string) => buildDeviceTopic({ deviceId, kind: "shadow/desired" }),
  shadowReported: (deviceId: string) => buildDeviceTopic({ deviceId, kind: "shadow/reported" }),
  deployment: (deviceId: string, deploymentId: string) => buildDeviceTopic({ deviceId, kind: "deployments", deploymentId }),
  streamRequest: (deviceId: string) => buildDeviceTopic({ deviceId, kind: "stream/request" }),
  frames: (deviceId: string, stream: StreamName) => buildDeviceTopic({ deviceId, kind: "frames", stream }),
  logs: (deviceId: string) => buildDeviceTopic({ deviceId, kind: "logs" }),
  commands: (deviceId: string) => buildDeviceTopic({ deviceId, kind: "commands" }),
} as const;

/** Filters that subscribers across all devices use (console, rules, CLI). */
export const filters = {
  allDevices: `${PREFIX}#`,
  allOf: (kind: "infer" | "status" | "telemetry" | "shadow/desired" | "shadow/reported" | "logs") => `${PREFIX}+/${kind}`,
  allDeployments: `${PREFIX}+/deployments/+`,
  device: (deviceId: string) => `${deviceTopicPrefix(deviceId)}#`,
} as const;

/** Reads a concrete device topic; null for anything that is not one (including wildcards). */
export function parseDeviceTopic(topic: string): DeviceTopic | null {
  if (!topic.startsWith(PREFIX)) return null;
  const levels = topic.slice(PREFIX.length).split("/");
  const [deviceId, first, second, ...rest] = levels;
  if (!deviceId || !first || rest.length > 0 || !DeviceIdSchema.safeParse(deviceId).success) return null;
  if (second === undefined) {
    const kind = SIMPLE_KINDS.find((k) => k === first);
    return kind ? ({ deviceId, kind } as DeviceTopic) : null;
  }
  const pair = `${first}/${second}`;
  if (pair === "shadow/desired" || pair === "shadow/reported" || pair === "stream/request") return { deviceId, kind: pair };
  if (first === "deployments" && IdSchema.safeParse(second).success) return { deviceId, kind: "deployments", deploymentId: second };
  if (first === "frames" && (second === "project" || second === "device")) return { deviceId, kind: "frames", stream: second };
  return null;
}

/** The n-th level of a topic, 1-based as in AWS IoT SQL's `topic(n)`; `topic(0)`-style calls get the whole topic. */
export function topicLevel(topic: string, n: number): string | undefined {
  if (n <= 0) return topic;
  return topic.split("/")[n - 1];
}

/** MQTT filter matching (`+` one level, `#` the rest), per MQTT 3.1.1 section 4.7. */
export function topicMatches(filter: string, topic: string): boolean {
  const f = filter.split("/");
  const t = topic.split("/");
  // MQTT 3.1.1 4.7.2: wildcards at the first level do not match topics starting with '$'.
  if (topic.startsWith("$") && (f[0] === "+" || f[0] === "#")) return false;
  for (let i = 0; i < f.length; i++) {
    const level = f[i];
    if (level === "#") return true;
    if (i >= t.length) return false;
    if (level !== "+" && level !== t[i]) return false;
  }
  return f.length === t.length;
}

/** Kinds a device may publish on its own prefix: never what the console drives. */
const DEVICE_PUBLISH_KINDS: ReadonlySet<DeviceTopicKind> = new Set([
  "infer",
  "status",
  "telemetry",
  "shadow/reported",
  "deployments",
  "frames",
  "logs",
]);

/** Kinds a device may subscribe to, exactly and only on its own prefix. */
const DEVICE_SUBSCRIBE_KINDS: ReadonlySet<DeviceTopicKind> = new Set(["shadow/desired", "commands", "stream/request"]);

function hasWildcard(s: string): boolean {
  return s.includes("+") || s.includes("#");
}

/** docs/design.md ACL: a device publishes only its own non-console topics. */
export function canPublish(deviceId: string, topic: string): boolean {
  if (hasWildcard(topic)) return false;
  const parsed = parseDeviceTopic(topic);
  return parsed !== null && parsed.deviceId === deviceId && DEVICE_PUBLISH_KINDS.has(parsed.kind);
}

/**
 * docs/design.md ACL: a device subscribes only to its own shadow/desired, commands and stream/request.
 * Wildcard filters are refused outright: even `.../{own id}/+` would be broader than the list.
 */
export function canSubscribe(deviceId: string, filter: string): boolean {
  if (hasWildcard(filter)) return false;
  const parsed = parseDeviceTopic(filter);
  return parsed !== null && parsed.deviceId === deviceId && DEVICE_SUBSCRIBE_KINDS.has(parsed.kind);
}

/** Users: every role reads everything; only admins publish. */
export function userCanPublish(role: "admin" | "viewer"): boolean {
  return role === "admin";
}
