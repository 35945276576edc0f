/** OpenAPI 3.1 description of /api/v1, generated from the zod schemas the routes validate with. */
import { z } from "zod";
import { RuleDefinitionSchema } from "@edgelens/shared";
import { NewCameraSchema } from "../services/cameras";
import { DeployInputSchema, DeploymentFilterSchema } from "../services/deployments";
import { DeviceQuerySchema, NewDeviceSchema, StreamRequestInputSchema } from "../services/devices";
import { TagChangeSchema } from "../services/device-tags";
import { EventFilterSchema } from "../services/events";
import { GroupDeployInputSchema } from "../services/group-deployments";
import { NewGroupSchema } from "../services/groups";
import { NewProjectSchema, SaveVersionSchema } from "../services/projects";
import { CreateRolloutSchema, RolloutMoveSchema } from "../services/rollouts";
import { RuleTestSchema, RuleUpdateSchema } from "../services/rules";
import { NewUserSchema } from "../services/users";
import * as Req from "./api-schemas";
import * as Res from "./api-responses";

type Method = "get" | "post" | "put" | "patch" | "delete";

interface Operation {
  method: Method;
  path: string;
  summary: string;
  role: "viewer" | "admin" | "public";
  body?: z.ZodType;
  rawBody?: string;
  query?: z.ZodObject;
  status?: number;
  response?: z.ZodType;
  responseType?: string;
}

const wrap = (key: string, schema: z.ZodType) => z.object({ [key]: schema }).strict();

/** GET /devices with a paging parameter (kept here beside its one operation; the API test parses with it). */
export const DevicePageView = z
  .object({ items: z.array(Res.DeviceView), total: z.number().int().describe("devices matching q and presence, over all pages"), limit: z.number().int(), offset: z.number().int() })
  .strict();

const OPERATIONS: Operation[] = [
  { method: "post", path: "/session", summary: "Sign in (sets the session cookie); 429 with Retry-After while the account or address is throttled", role: "public", body: Req.LoginSchema, response: wrap("user", Res.SessionUserView) },
  { method: "get", path: "/session", summary: "The signed-in user", role: "viewer", response: wrap("user", Res.SessionUserView) },
  { method: "delete", path: "/session", summary: "Sign out", role: "public", status: 204 },
  { method: "get", path: "/mqtt-token", summary: "Short-lived MQTT credentials for the browser", role: "viewer", query: Req.MqttTokenQuerySchema, response: Res.MqttCredentialsView },
  {
    method: "get",
    path: "/devices",
    summary:
      "List devices by id. With any of q, presence, limit (1-200, default 50), offset: one page {items, total, limit, offset}. Without them: every device as {devices} (the shape from before paging; slow for large fleets)",
    role: "viewer",
    query: DeviceQuerySchema,
    response: z.union([DevicePageView, wrap("devices", z.array(Res.DeviceView))]),
  },
  { method: "post", path: "/devices", summary: "Register a device; the device file (with its secret) is shown once", role: "admin", body: NewDeviceSchema, status: 201, response: Res.RegisteredDevice },
  { method: "get", path: "/devices/{id}", summary: "One device", role: "viewer", response: wrap("device", Res.DeviceView) },
  { method: "patch", path: "/devices/{id}", summary: "Rename a device", role: "admin", body: Req.RenameDeviceSchema, response: wrap("device", Res.DeviceView) },
  { method: "delete", path: "/devices/{id}", summary: "Deregister a device", role: "admin", response: Res.DeregisterResult },
  { method: "post", path: "/devices/{id}/secret", summary: "Rotate the device secret (new device file shown once)", role: "admin", response: Res.RegisteredDevice },
  { method: "post", path: "/devices/{id}/stream", summary: "Ask the device for preview frames", role: "viewer", body: StreamRequestInputSchema, response: Res.StreamRequestResult },
  { method: "post", path: "/devices/{id}/commands", summary: "Send a command", role: "admin", body: Req.CommandInputSchema, status: 202, response: Res.CommandResult },
  { method: "get", path: "/devices/{id}/cameras", summary: "The device's named cameras (URIs with passwords hidden); their live state is in its shadow/reported", role: "viewer", response: wrap("cameras", z.array(Res.CameraView)) },
  { method: "post", path: "/devices/{id}/cameras", summary: "Add a named camera (a source URI); a project reads it with config.source camera://<name>", role: "admin", body: NewCameraSchema, status: 201, response: wrap("camera", Res.CameraView) },
  { method: "delete", path: "/devices/{id}/cameras/{name}", summary: "Remove a camera; projects reading it get no more frames", role: "admin", status: 204 },
  { method: "patch", path: "/devices/{id}/tags", summary: "Set and remove tags of one device; a device that joins a group gets its deployment", role: "admin", body: Req.DeviceTagChangeSchema, response: Res.TagChangeResult },
  { method: "post", path: "/devices/tags", summary: "Set and remove tags on many devices at once (all or none)", role: "admin", body: TagChangeSchema, response: Res.BulkTagChangeResult },
  { method: "put", path: "/devices/{id}/pin", summary: "Pin a device: group deployments skip it; with projectId, deploy that version to it now", role: "admin", body: Req.PinInputSchema, response: Res.PinResult },
  { method: "delete", path: "/devices/{id}/pin", summary: "Unpin a device: it gets its groups' winning deployment now", role: "admin", response: Res.UnpinResult },
  { method: "get", path: "/devices/{id}/assignment", summary: "Why the device runs what it runs: pin, groups ranked by priority, the group deployment it follows", role: "viewer", response: wrap("assignment", Res.DeviceAssignmentView) },
  { method: "get", path: "/groups", summary: "List device groups", role: "viewer", response: wrap("groups", z.array(Res.GroupView)) },
  { method: "post", path: "/groups", summary: "Create a static (devices) or dynamic (query) group; a query that does not parse is 400 naming the column", role: "admin", body: NewGroupSchema, status: 201, response: wrap("group", Res.GroupView) },
  { method: "get", path: "/groups/{name}", summary: "A group: members now with presence and what runs, and its deployments", role: "viewer", response: Res.GroupDetailView },
  { method: "delete", path: "/groups/{name}", summary: "Delete a group; its devices keep what they run", role: "admin", status: 204 },
  { method: "get", path: "/groups/{name}/deployments", summary: "The group's deployments, current first", role: "viewer", response: wrap("groupDeployments", z.array(Res.GroupDeploymentView)) },
  { method: "post", path: "/groups/{name}/deployments", summary: "Deploy a project version to a group (continuous: devices that join later get it); higher priority wins between groups, then newer", role: "admin", body: GroupDeployInputSchema, status: 201, response: Res.GroupDeployResult },
  { method: "get", path: "/people", summary: "The face gallery's people (face-recognition) with their photo count", role: "viewer", response: wrap("people", z.array(Res.PersonView)) },
  { method: "get", path: "/people/{name}", summary: "One person of the face gallery", role: "viewer", response: wrap("person", Res.PersonView) },
  { method: "delete", path: "/people/{name}", summary: "Remove a person and their photos from the face gallery", role: "admin", status: 204 },
  {
    method: "post",
    path: "/people/{name}/photos",
    summary: "Add a photo of a person (created on first use): the raw image body; 400 INVALID_PAYLOAD naming the photo when it shows no face or several",
    role: "admin",
    rawBody: "application/octet-stream",
    query: Req.PersonPhotoQuerySchema,
    status: 201,
    response: wrap("person", Res.PersonView),
  },
  { method: "get", path: "/models", summary: "List models", role: "viewer", response: wrap("models", z.array(Res.ModelView)) },
  {
    method: "post",
    path: "/models",
    summary: "Import a model: JSON {name, uploadId, format} (TF.js answers 202 {job}), or the raw .onnx body with ?name=",
    role: "admin",
    body: Req.ModelImportSchema,
    rawBody: "application/octet-stream",
    query: Req.RawModelQuerySchema.partial(),
    status: 201,
    response: z.union([wrap("version", Res.ModelVersionView), wrap("job", Res.JobView)]),
  },
  { method: "post", path: "/models/samples", summary: "Import the built sample models (idempotent)", role: "admin", response: wrap("versions", z.array(Res.ModelVersionView)) },
  { method: "get", path: "/models/{id}", summary: "One model with its versions", role: "viewer", response: wrap("model", Res.ModelView.extend({ versions: z.array(Res.ModelVersionView) })) },
  { method: "delete", path: "/models/{id}", summary: "Delete a model no project uses", role: "admin", status: 204 },
  { method: "post", path: "/models/{id}/optimize", summary: "Quantise the model's latest version to int8 as a new version (a job: poll GET /jobs/{id})", role: "admin", body: Req.ModelOptimizeSchema, status: 202, response: wrap("job", Res.JobView) },
  { method: "post", path: "/uploads", summary: "Start an upload session", role: "admin", status: 201, response: z.object({ uploadId: z.string() }) },
  {
    method: "put",
    path: "/uploads/{uploadId}/{filename}",
    summary: "Upload one file (raw body) into a session",
    role: "admin",
    rawBody: "application/octet-stream",
    status: 201,
    response: z.object({ filename: z.string(), size: z.number().int(), sha256: z.string() }),
  },
  { method: "get", path: "/jobs/{id}", summary: "A background job (TF.js conversion): poll until state is not running", role: "viewer", response: wrap("job", Res.JobView) },
  { method: "get", path: "/templates", summary: "Sample-project templates", role: "viewer", response: wrap("templates", z.array(Res.TemplateView)) },
  { method: "get", path: "/projects", summary: "List projects", role: "viewer", response: wrap("projects", z.array(Res.ProjectView)) },
  { method: "post", path: "/projects", summary: "Create a project from a template or blank", role: "admin", body: NewProjectSchema, status: 201, response: wrap("project", Res.ProjectDetail) },
  { method: "get", path: "/projects/{id}", summary: "One project with its versions", role: "viewer", response: wrap("project", Res.ProjectDetail) },
  { method: "patch", path: "/projects/{id}", summary: "Rename or describe a project", role: "admin", body: Req.ProjectInfoSchema, response: wrap("project", Res.ProjectView) },
  { method: "delete", path: "/projects/{id}", summary: "Delete a project", role: "admin", status: 204 },
  { method: "post", path: "/projects/{id}/versions", summary: "Save a new version (compiled; 422 COMPILE_FAILED with line/column)", role: "admin", body: SaveVersionSchema, status: 201, response: wrap("version", Res.ProjectVersionView) },
  { method: "get", path: "/deployments", summary: "List deployments, newest first", role: "viewer", query: DeploymentFilterSchema, response: wrap("deployments", z.array(Res.DeploymentView)) },
  { method: "post", path: "/deployments", summary: "Add a project to devices (or replace its version); undeploy: true removes it; projectId null removes every project", role: "admin", body: DeployInputSchema, status: 201, response: wrap("deployments", z.array(Res.DeploymentView)) },
  { method: "get", path: "/deployments/{id}", summary: "One deployment with its timeline and desired state", role: "viewer", response: wrap("deployment", Res.DeploymentDetail) },
  { method: "get", path: "/rollouts", summary: "Staged rollouts, newest first (counts, no device rows)", role: "viewer", response: wrap("rollouts", z.array(Res.RolloutSummaryView)) },
  { method: "post", path: "/rollouts", summary: "Start a staged rollout of a project version to devices (docs/design.md \"Staged rollouts\")", role: "admin", body: CreateRolloutSchema, status: 201, response: wrap("rollout", Res.CreatedRolloutView) },
  { method: "get", path: "/rollouts/{id}", summary: "One rollout: state, counts, a row per device, the abort reason", role: "viewer", response: wrap("rollout", Res.RolloutView) },
  { method: "patch", path: "/rollouts/{id}", summary: "Pause, resume or cancel a rollout (409 CONFLICT from a state it does not apply to)", role: "admin", body: RolloutMoveSchema, response: wrap("rollout", Res.RolloutView) },
  { method: "get", path: "/rules", summary: "List rules", role: "viewer", response: wrap("rules", z.array(Res.RuleView)) },
  { method: "post", path: "/rules", summary: "Create a rule", role: "admin", body: RuleDefinitionSchema, status: 201, response: wrap("rule", Res.RuleView) },
  { method: "get", path: "/rules/{id}", summary: "One rule", role: "viewer", response: wrap("rule", Res.RuleView) },
  { method: "patch", path: "/rules/{id}", summary: "Change a rule (enable/disable with {enabled})", role: "admin", body: RuleUpdateSchema, response: wrap("rule", Res.RuleView) },
  { method: "delete", path: "/rules/{id}", summary: "Delete a rule", role: "admin", status: 204 },
  { method: "post", path: "/rules/test", summary: "Evaluate a rule on a sample message", role: "viewer", body: RuleTestSchema, response: wrap("result", Res.RuleTestResultView) },
  {
    method: "get",
    path: "/events",
    summary: "Stored events, newest first; ?format=csv streams them all as CSV",
    role: "viewer",
    query: EventFilterSchema.extend(Req.EventsQueryFormatSchema.shape),
    response: z.object({ events: z.array(Res.EventView), nextBeforeId: z.number().int().nullable() }),
    responseType: "text/csv",
  },
  {
    method: "get",
    path: "/snapshots/{sha256}",
    summary: "An event's snapshot (JPEG; events.snapshotSha256). Content-addressed: cache headers for a year; 404 NOT_FOUND unless a stored snapshot",
    role: "viewer",
    responseType: "image/jpeg",
  },
  { method: "get", path: "/dashboard", summary: "Dashboard figures", role: "viewer", response: wrap("stats", Res.DashboardStatsView) },
  { method: "get", path: "/tokens", summary: "The caller's API tokens", role: "viewer", response: wrap("tokens", z.array(Res.ApiTokenView)) },
  { method: "post", path: "/tokens", summary: "Create an API token (secret shown once)", role: "viewer", body: Req.TokenCreateSchema, status: 201, response: z.object({ token: Res.ApiTokenView, secret: z.string() }) },
  { method: "delete", path: "/tokens/{id}", summary: "Revoke an API token", role: "viewer", response: wrap("token", Res.ApiTokenView) },
  { method: "get", path: "/users", summary: "List users", role: "admin", response: wrap("users", z.array(Res.UserView)) },
  { method: "post", path: "/users", summary: "Create a user", role: "admin", body: NewUserSchema, status: 201, response: wrap("user", Res.UserView) },
  { method: "patch", path: "/users/{id}", summary: "Change a user's role or password", role: "admin", body: Req.UserUpdateSchema, response: wrap("user", Res.UserView) },
  { method: "delete", path: "/users/{id}", summary: "Delete a user", role: "admin", status: 204 },
];

function schema(s: z.ZodType, io: "input" | "output"): Record<string, unknown> {
  const { $schema: _drop, ...rest } = z.toJSONSchema(s, { io, unrepresentable: "any" }) as Record<string, unknown>;
  return rest;
}

function parameters(op: Operation): Record<string, unknown>[] {
  const pathParams = [...op.path.matchAll(/\{(\w+)\}/g)].map((m) => ({ name: m[1], in: "path", required: true, schema: { type: "string" } }));
  const query = op.query
    ? Object.entries(schema(op.query, "input").properties as Record<string, unknown>).map(([name, s]) => ({ name, in: "query", required: false, schema: s }))
    : [];
  return [...pathParams, ...query];
}

function operation(op: Operation): Record<string, unknown> {
  const status = String(op.status ?? 200);
  const content: Record<string, unknown> = {};
  if (op.response) content["application/json"] = { schema: schema(op.response, "output") };
  if (op.responseType) content[op.responseType] = { schema: op.responseType.startsWith("text/") ? { type: "string" } : { type: "string", format: "binary" } };
  const bodyContent: Record<string, unknown> = {};
  if (op.body) bodyContent["application/json"] = { schema: schema(op.body, "input") };
  if (op.rawBody) bodyContent[op.rawBody] = { schema: { type: "string", format: "binary" } };
  return {
    summary: op.summary,
    operationId: `${op.method}${op.path.replace(/\{(\w+)\}/g, "By_$1").replace(/[^A-Za-z0-9]+(.)?/g, (_m, c: string | undefined) => (c ? c.toUpperCase() : ""))}`,
    ...(op.role === "public" ? { security: [] } : {}),
    "x-edgelens-role": op.role,
    parameters: parameters(op),
    ...(Object.keys(bodyContent).length ? { requestBody: { required: true, content: bodyContent } } : {}),
    responses: {
      [status]: { description: status === "204" ? "No content" : "OK", ...(Object.keys(content).length ? { content } : {}) },
      default: { description: "Error", content: { "application/json": { schema: { $ref: "#/components/schemas/Error" } } } },
    },
  };
}

export function buildOpenApi(serverUrl: string): Record<string, unknown> {
  const paths: Record<string, Record<string, unknown>> = {};
  for (const op of OPERATIONS) (paths[op.path] ??= {})[op.method] = operation(op);
  return {
    openapi: "3.1.0",
    info: { title: "Edgelens console API", version: "1", description: "Devices, models, projects, deployments, rules and events. Reads need any user; writes need admin." },
    servers: [{ url: `${serverUrl}/api/v1` }],
    security: [{ bearer: [] }, { session: [] }],
    components: {
      securitySchemes: {
        bearer: { type: "http", scheme: "bearer", description: "API token (elt_…) from POST /tokens" },
        session: { type: "apiKey", in: "cookie", name: "edgelens_session" },
      },
      schemas: { Error: schema(Res.ErrorResponse, "output") },
    },
    paths,
  };
}

/** For tests: each documented operation with its response schema. */
export function documentedOperations(): readonly Operation[] {
  return OPERATIONS;
}
