/**
 * The shapes the REST API answers with, as zod schemas: the OpenAPI document is generated from
 * them, and the API tests parse real responses with them, so the document stays true.
 */
import { z } from "zod";
import {
  CommandSchema,
  DeploymentStateSchema,
  DesiredStateV1Schema,
  DeviceFileSchema,
  ErrorCodes,
  ProjectConfigSchema,
  RolloutDeviceStateSchema,
  RolloutParamsSchema,
  RolloutStateSchema,
  SoakStateSchema,
  RoleSchema,
  RuleActionSchema,
  StreamRequestSchema,
  TelemetrySchema,
} from "@edgelens/shared";

const ms = z.number().int().describe("milliseconds since the Unix epoch");
const nullableMs = ms.nullable();

export const ErrorResponse = z
  .object({ error: z.object({ code: z.enum(ErrorCodes), message: z.string(), context: z.record(z.string(), z.unknown()).optional() }).strict() })
  .strict();

export const UserView = z.object({ id: z.string(), email: z.string(), name: z.string().nullable(), role: RoleSchema, createdAt: ms }).strict();
export const SessionUserView = UserView.omit({ createdAt: true });

export const ApiTokenView = z
  .object({ id: z.string(), name: z.string(), prefix: z.string(), userId: z.string(), createdAt: ms, lastUsedAt: nullableMs, revokedAt: nullableMs })
  .strict();

const DeviceDeploymentView = z
  .object({
    id: z.string(),
    state: DeploymentStateSchema,
    pct: z.number().nullable(),
    reason: z.string().nullable(),
    projectId: z.string().nullable(),
    projectName: z.string().nullable(),
    projectVersion: z.number().int().nullable(),
  })
  .strict();

const DevicePinView = z.object({ at: ms, projectId: z.string().nullable(), version: z.number().int().nullable() }).strict();

export const DeviceView = z
  .object({
    id: z.string(),
    name: z.string(),
    registration: z.enum(["awaiting-credentials", "registered"]),
    presence: z.enum(["online", "offline"]),
    agentVersion: z.string().nullable(),
    lastSeenAt: nullableMs,
    createdAt: ms,
    telemetry: TelemetrySchema.nullable(),
    fps: z.number().nullable(),
    deployment: DeviceDeploymentView.nullable().describe("what the device runs now"),
    latestDeployment: DeviceDeploymentView.nullable().describe("the newest deployment sent to it, in any state"),
    projects: z.array(DeviceDeploymentView).describe("every project it should run (its desired list), oldest first, each with its deployment's state"),
    tags: z.record(z.string(), z.string()).describe("key=value tags; dynamic groups query them"),
    pin: DevicePinView.nullable().describe("set while pinned: group deployments skip the device"),
  })
  .strict();

export const TensorInfoView = z.object({ name: z.string(), type: z.string(), shape: z.array(z.union([z.number(), z.string()])) }).strict();

export const ModelVersionView = z
  .object({
    id: z.string(),
    modelId: z.string(),
    version: z.number().int(),
    sha256: z.string(),
    size: z.number().int(),
    format: z.enum(["onnx", "tfjs"]),
    source: z.string(),
    inputs: z.array(TensorInfoView),
    outputs: z.array(TensorInfoView),
    labels: z.array(z.string()).nullable(),
    createdAt: ms,
  })
  .strict();

export const ModelView = z
  .object({ id: z.string(), name: z.string(), description: z.string().nullable(), createdAt: ms, latest: ModelVersionView.nullable(), versionCount: z.number().int() })
  .strict();

export const JobView = z
  .object({
    id: z.string(),
    kind: z.enum(["tfjs-import", "model-optimize"]),
    state: z.enum(["running", "succeeded", "failed"]),
    progress: z.object({ phase: z.string(), pct: z.number() }).strict(),
    result: z.unknown().describe("the ModelVersion when succeeded"),
    error: z.object({ code: z.enum(ErrorCodes), message: z.string(), context: z.record(z.string(), z.unknown()) }).strict().nullable(),
    createdAt: ms,
    updatedAt: ms,
  })
  .strict();

export const TemplateView = z
  .object({ name: z.string(), title: z.string(), description: z.string(), models: z.record(z.string(), z.string()), defaultConfig: ProjectConfigSchema })
  .strict();

export const ProjectVersionView = z
  .object({
    projectId: z.string(),
    version: z.number().int(),
    functionSource: z.string(),
    functionSha256: z.string(),
    functionSize: z.number().int(),
    models: z.record(z.string(), z.string()).describe("model slot -> model version id"),
    config: ProjectConfigSchema,
    createdAt: ms,
  })
  .strict();

const projectFields = {
  id: z.string(),
  name: z.string(),
  description: z.string().nullable(),
  template: z.string().nullable(),
  latestVersion: z.number().int(),
  createdAt: ms,
  updatedAt: nullableMs,
};
export const ProjectView = z.object(projectFields).strict();
export const ProjectDetail = z.object({ ...projectFields, versions: z.array(ProjectVersionView), latest: ProjectVersionView.nullable() }).strict();

const deploymentFields = {
  id: z.string(),
  kind: z.enum(["deploy", "undeploy", "remove-all"]),
  deviceId: z.string(),
  projectId: z.string().nullable(),
  projectName: z.string().nullable(),
  projectVersion: z.number().int().nullable(),
  state: DeploymentStateSchema,
  pct: z.number().nullable(),
  reason: z.string().nullable(),
  groupDeploymentId: z.string().nullable().describe("the group deployment it carries out; null when deployed to the device directly"),
  gallerySha256: z.string().nullable().describe("face-recognition: the face gallery it sends (replaced on every gallery change); null for other projects"),
  createdBy: z.string().nullable(),
  createdAt: ms,
  updatedAt: nullableMs,
};
export const DeploymentView = z.object(deploymentFields).strict();
export const DeploymentEventView = z.object({ id: z.number().int(), state: DeploymentStateSchema, pct: z.number().nullable(), reason: z.string().nullable(), ts: ms }).strict();
export const DeploymentDetail = z.object({ ...deploymentFields, events: z.array(DeploymentEventView), desired: DesiredStateV1Schema.nullable() }).strict();

export const RuleView = z
  .object({
    id: z.string(),
    name: z.string(),
    sql: z.string(),
    actions: z.array(RuleActionSchema),
    errorAction: RuleActionSchema.nullable(),
    enabled: z.boolean(),
    executions: z.number().int(),
    errors: z.number().int(),
    lastError: z.string().nullable(),
    createdAt: ms,
    updatedAt: nullableMs,
  })
  .strict();

export const RuleTestResultView = z.union([
  z.object({ ok: z.literal(true), topicMatches: z.boolean(), matched: z.boolean(), output: z.record(z.string(), z.unknown()), templates: z.array(z.record(z.string(), z.unknown())) }),
  z.object({ ok: z.literal(false), error: z.object({ code: z.string(), message: z.string() }).loose() }),
]);

export const ClipView = z
  .object({
    clipId: z.string(),
    deviceId: z.string(),
    eventId: z.number().int().nullable(),
    projectId: z.string().nullable(),
    state: z.enum(["requested", "ready", "failed"]),
    url: z.string().nullable(),
    size: z.number().int().nullable(),
    durationMs: z.number().int().nullable(),
    error: z.object({ code: z.string(), message: z.string() }).strict().nullable(),
    at: ms,
    createdAt: ms,
  })
  .strict();

export const EventView = z
  .object({
    id: z.number().int(),
    ruleId: z.string().nullable(),
    ruleName: z.string(),
    topic: z.string(),
    deviceId: z.string().nullable(),
    labels: z.array(z.string()),
    payload: z.record(z.string(), z.unknown()),
    snapshotSha256: z.string().nullable(),
    /** The event's clip (a `clip` rule action), null when it has none. */
    clip: ClipView.nullable(),
    ts: ms,
  })
  .strict();

export const DashboardStatsView = z
  .object({
    devices: z.object({ total: z.number().int(), online: z.number().int(), offline: z.number().int(), awaiting: z.number().int() }).strict(),
    deployments: z.object({ inProgress: z.number().int(), failed24h: z.number().int(), running: z.number().int() }).strict(),
    perMinute: z.array(z.object({ minute: ms, results: z.number().int(), people: z.number() }).strict()),
    eventsPerMinute: z.array(z.object({ minute: ms, events: z.number().int() }).strict()),
    since: ms,
  })
  .strict();

export const MqttCredentialsView = z.object({ username: z.string(), password: z.string(), wsUrl: z.string(), brokerUrl: z.string(), expiresAt: ms }).strict();

export const RegisteredDevice = z.object({ device: DeviceView, deviceFile: DeviceFileSchema }).strict();
export const DeregisterResult = z.object({ brokerCleared: z.boolean(), warning: z.string().nullable() }).strict();
export const StreamRequestResult = z.object({ request: StreamRequestSchema }).strict();
export const CommandResult = z.object({ command: CommandSchema }).strict();

/** A device's named camera (GET/POST /devices/{id}/cameras). */
export const CameraView = z.object({ name: z.string(), uri: z.string().describe("password hidden"), createdAt: z.number().int() }).strict();
const rolloutCounts = z
  .object({ targeted: z.number().int(), notified: z.number().int(), running: z.number().int(), failed: z.number().int(), rolledBack: z.number().int(), pending: z.number().int() })
  .strict();
const rolloutFields = {
  id: z.string(),
  projectId: z.string(),
  projectName: z.string().nullable(),
  projectVersion: z.number().int(),
  state: RolloutStateSchema,
  params: RolloutParamsSchema,
  abortReason: z.string().nullable().describe("why it stopped by itself"),
  group: z
    .object({ id: z.string(), name: z.string(), priority: z.number().int() })
    .strict()
    .nullable()
    .describe("a rollout over a group: once it completes, its version becomes the group's deployment with this priority"),
  heldUntil: nullableMs.describe("while maxPerMinute holds back devices the rollout would tell now: when the next may be told"),
  counts: rolloutCounts,
  createdBy: z.string().nullable(),
  createdAt: ms,
  updatedAt: nullableMs,
};
export const RolloutDeviceView = z
  .object({
    id: z.string(),
    state: RolloutDeviceStateSchema,
    reason: z.string().optional(),
    batch: z.number().int().nullable(),
    deploymentId: z.string().nullable(),
    deploymentState: z.string().nullable(),
    soak: SoakStateSchema.nullable(),
    rollbackDeploymentId: z.string().nullable(),
    notifiedAt: nullableMs,
  })
  .strict();
export const RolloutSummaryView = z.object(rolloutFields).strict();
export const RolloutView = z.object({ ...rolloutFields, devices: z.array(RolloutDeviceView) }).strict();
export const CreatedRolloutView = RolloutView.extend({ pinned: z.array(z.string()).describe("the group's pinned members, left out") }).strict();
export const GroupView = z.object({ id: z.string(), name: z.string(), query: z.string().optional().describe("absent for a static group"), members: z.number().int(), createdAt: ms }).strict();

export const GroupDeploymentView = z
  .object({
    id: z.string(),
    groupId: z.string(),
    groupName: z.string(),
    projectId: z.string(),
    projectName: z.string(),
    projectVersion: z.number().int(),
    priority: z.number().int(),
    createdBy: z.string().nullable(),
    createdAt: ms,
  })
  .strict();

export const GroupDetailView = z.object({ group: GroupView, devices: z.array(DeviceView), total: z.number().int(), deployments: z.array(GroupDeploymentView) }).strict();

const SkippedDevice = z.object({ deviceId: z.string(), reason: z.string() }).strict();
const applyFields = { deployments: z.array(DeploymentView).describe("device deployments started"), skipped: z.array(SkippedDevice).describe("members left as they are, and why") };

export const GroupDeployResult = z.object({ groupDeployment: GroupDeploymentView, ...applyFields }).strict();
export const TagChangeResult = z.object({ device: DeviceView, deployments: z.array(DeploymentView) }).strict();
export const BulkTagChangeResult = z.object({ devices: z.array(DeviceView), ...applyFields }).strict();
export const PinResult = z.object({ device: DeviceView, deployments: z.array(DeploymentView) }).strict();
export const UnpinResult = z.object({ device: DeviceView, ...applyFields }).strict();

export const DeviceAssignmentView = z
  .object({
    pinned: z.boolean(),
    groups: z.array(z.object({ name: z.string(), current: GroupDeploymentView.nullable() }).strict()).describe("the device's groups, the winner first"),
    follows: GroupDeploymentView.nullable().describe("the group deployment it follows"),
    reason: z.string(),
  })
  .strict();

export const PersonView = z.object({ name: z.string(), photos: z.number().int(), createdAt: ms }).strict();
