/**
 * The one drizzle schema of Edgelens (SQLite). Pure: tables only, no client, no queries.
 * Migrations in ../drizzle are generated from this file by `pnpm --filter @edgelens/db generate`.
 */
import { sql } from "drizzle-orm";
import { index, integer, primaryKey, sqliteTable, text, uniqueIndex } from "drizzle-orm/sqlite-core";

const createdAt = () =>
  integer("created_at", { mode: "number" })
    .notNull()
    .default(sql`(unixepoch() * 1000)`);

export const users = sqliteTable("users", {
  id: text("id").primaryKey(),
  email: text("email").notNull().unique(),
  name: text("name"),
  passwordHash: text("password_hash").notNull(),
  role: text("role", { enum: ["admin", "viewer"] }).notNull(),
  /**
   * Bumped by sign-out, a password or role change: session cookies and MQTT tokens carry the
   * value they were issued under and stop working once it moves on.
   */
  authVersion: integer("auth_version", { mode: "number" }).notNull().default(0),
  createdAt: createdAt(),
});

export const apiTokens = sqliteTable("api_tokens", {
  id: text("id").primaryKey(),
  userId: text("user_id")
    .notNull()
    .references(() => users.id, { onDelete: "cascade" }),
  name: text("name").notNull(),
  /** sha256 of the token; the token itself is shown once. */
  tokenHash: text("token_hash").notNull().unique(),
  prefix: text("prefix").notNull(),
  createdAt: createdAt(),
  lastUsedAt: integer("last_used_at", { mode: "number" }),
  revokedAt: integer("revoked_at", { mode: "number" }),
});

export const devices = sqliteTable("devices", {
  id: text("id").primaryKey(),
  name: text("name").notNull(),
  /** scrypt hash (`scrypt$N$r$p$salt$hash`); the secret itself is shown once. */
  secretHash: text("secret_hash").notNull(),
  registration: text("registration", { enum: ["awaiting-credentials", "registered"] })
    .notNull()
    .default("awaiting-credentials"),
  presence: text("presence", { enum: ["online", "offline"] })
    .notNull()
    .default("offline"),
  agentVersion: text("agent_version"),
  lastSeenAt: integer("last_seen_at", { mode: "number" }),
  /** Latest telemetry JSON, kept for list pages. */
  telemetry: text("telemetry", { mode: "json" }),
  currentDeploymentId: text("current_deployment_id"),
  createdAt: createdAt(),
});

export const artifacts = sqliteTable("artifacts", {
  sha256: text("sha256").primaryKey(),
  size: integer("size").notNull(),
  kind: text("kind", { enum: ["model", "function", "snapshot", "upload"] }).notNull(),
  createdAt: createdAt(),
});

export const models = sqliteTable("models", {
  id: text("id").primaryKey(),
  name: text("name").notNull().unique(),
  description: text("description"),
  createdAt: createdAt(),
});

export const modelVersions = sqliteTable(
  "model_versions",
  {
    id: text("id").primaryKey(),
    modelId: text("model_id")
      .notNull()
      .references(() => models.id, { onDelete: "cascade" }),
    version: integer("version").notNull(),
    sha256: text("sha256")
      .notNull()
      .references(() => artifacts.sha256),
    size: integer("size").notNull(),
    format: text("format", { enum: ["onnx", "tfjs"] }).notNull(),
    /** Where it came from: an upload, a sample (package@version), a conversion. */
    source: text("source").notNull(),
    inputs: text("inputs", { mode: "json" }).notNull(),
    outputs: text("outputs", { mode: "json" }).notNull(),
    labels: text("labels", { mode: "json" }),
    createdAt: createdAt(),
  },
  (t) => [uniqueIndex("model_versions_model_version").on(t.modelId, t.version)],
);

export const projects = sqliteTable("projects", {
  id: text("id").primaryKey(),
  name: text("name").notNull().unique(),
  description: text("description"),
  template: text("template"),
  latestVersion: integer("latest_version").notNull().default(0),
  createdAt: createdAt(),
  updatedAt: integer("updated_at", { mode: "number" }),
});

export const projectVersions = sqliteTable(
  "project_versions",
  {
    projectId: text("project_id")
      .notNull()
      .references(() => projects.id, { onDelete: "cascade" }),
    version: integer("version").notNull(),
    /** The function as the user wrote it (TypeScript or JavaScript). */
    functionSource: text("function_source").notNull(),
    /** The compiled JS bundle, content-addressed in artifacts. */
    functionSha256: text("function_sha256")
      .notNull()
      .references(() => artifacts.sha256),
    /** `{ [modelName]: modelVersionId }` */
    models: text("models", { mode: "json" }).notNull(),
    config: text("config", { mode: "json" }).notNull(),
    createdAt: createdAt(),
  },
  (t) => [primaryKey({ columns: [t.projectId, t.version] })],
);

export const deploymentStates = ["queued", "downloading", "verifying", "loading", "running", "degraded", "failed", "rolled-back", "removed"] as const;

/** `deploy` adds a project to what the device runs (or replaces its version); `undeploy` removes that project; `remove-all` removes every project. */
export const deploymentKinds = ["deploy", "undeploy", "remove-all"] as const;

export const deployments = sqliteTable(
  "deployments",
  {
    id: text("id").primaryKey(),
    deviceId: text("device_id")
      .notNull()
      .references(() => devices.id, { onDelete: "cascade" }),
    kind: text("kind", { enum: deploymentKinds }).notNull().default("deploy"),
    /** null: a `remove-all` (or a deleted project). */
    projectId: text("project_id").references(() => projects.id, { onDelete: "set null" }),
    /** null for `undeploy` and `remove-all`. */
    projectVersion: integer("project_version"),
    state: text("state", { enum: deploymentStates }).notNull().default("queued"),
    pct: integer("pct"),
    reason: text("reason"),
    createdBy: text("created_by"),
    createdAt: createdAt(),
    updatedAt: integer("updated_at", { mode: "number" }),
  },
  (t) => [index("deployments_device").on(t.deviceId, t.createdAt), index("deployments_state").on(t.state)],
);

export const deploymentEvents = sqliteTable(
  "deployment_events",
  {
    id: integer("id").primaryKey({ autoIncrement: true }),
    deploymentId: text("deployment_id")
      .notNull()
      .references(() => deployments.id, { onDelete: "cascade" }),
    state: text("state", { enum: deploymentStates }).notNull(),
    pct: integer("pct"),
    reason: text("reason"),
    ts: integer("ts", { mode: "number" }).notNull(),
  },
  (t) => [index("deployment_events_deployment").on(t.deploymentId, t.id)],
);

export const rules = sqliteTable("rules", {
  id: text("id").primaryKey(),
  name: text("name").notNull().unique(),
  sql: text("sql").notNull(),
  /** RuleActionConfig[] from @edgelens/shared */
  actions: text("actions", { mode: "json" }).notNull(),
  errorAction: text("error_action", { mode: "json" }),
  enabled: integer("enabled", { mode: "boolean" }).notNull().default(true),
  executions: integer("executions").notNull().default(0),
  errors: integer("errors").notNull().default(0),
  lastError: text("last_error"),
  createdAt: createdAt(),
  updatedAt: integer("updated_at", { mode: "number" }),
});

export const events = sqliteTable(
  "events",
  {
    id: integer("id").primaryKey({ autoIncrement: true }),
    ruleId: text("rule_id"),
    ruleName: text("rule_name").notNull(),
    topic: text("topic").notNull(),
    deviceId: text("device_id"),
    /** Space-separated labels found in the payload, for filtering without JSON scans. */
    labels: text("labels"),
    payload: text("payload", { mode: "json" }).notNull(),
    snapshotSha256: text("snapshot_sha256"),
    ts: integer("ts", { mode: "number" }).notNull(),
  },
  (t) => [index("events_ts").on(t.ts), index("events_device_ts").on(t.deviceId, t.ts), index("events_snapshot").on(t.snapshotSha256)],
);

/** Small key/value facts: first-start markers, generated secrets' presence, schema notes. */
export const settings = sqliteTable("settings", {
  key: text("key").primaryKey(),
  value: text("value").notNull(),
});
