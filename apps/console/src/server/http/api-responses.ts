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
