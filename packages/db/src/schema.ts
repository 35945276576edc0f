/**
 * The one drizzle schema of Edgelens (SQLite). Pure: tables only, no client, no queries.
 * Migrations in ../drizzle are generated from this file by `pnpm --filter @edgelens/db generate`.
 */
import { sql } from "drizzle-orm";
import { index, integer, primaryKey, real, sqliteTable, text, uniqueIndex } from "drizzle-orm/sqlite-core";

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
  /** Set while the device is pinned: group deployments skip it (docs/design.md "Device groups"). */
  pinnedAt: integer("pinned_at", { mode: "number" }),
  /** What it was pinned to (`device pin <id> <project>@<version>`); null when pinned to what it ran. */
  pinnedProjectId: text("pinned_project_id"),
  pinnedVersion: integer("pinned_version"),
  createdAt: createdAt(),
});

/** A device's named cameras (docs/design.md "Cameras"): sent to the agent in `shadow/desired.cameras`. */
export const cameras = sqliteTable(
  "cameras",
  {
    deviceId: text("device_id")
      .notNull()
      .references(() => devices.id, { onDelete: "cascade" }),
    name: text("name").notNull(),
    /** A source URI (may hold a password: shown redacted outside the device's own desired state). */
    uri: text("uri").notNull(),
    createdAt: createdAt(),
  },
  (t) => [primaryKey({ columns: [t.deviceId, t.name] })],
);

export const deviceTags = sqliteTable(
  "device_tags",
  {
    deviceId: text("device_id")
      .notNull()
      .references(() => devices.id, { onDelete: "cascade" }),
    key: text("key").notNull(),
    value: text("value").notNull(),
  },
  (t) => [primaryKey({ columns: [t.deviceId, t.key] }), index("device_tags_key_value").on(t.key, t.value)],
);

export const deviceGroups = sqliteTable("device_groups", {
  id: text("id").primaryKey(),
  name: text("name").notNull().unique(),
  /** Dynamic group: the expression over tags and device fields; null for a static list. */
  query: text("query"),
  createdBy: text("created_by"),
  createdAt: createdAt(),
});

/**
 * Members now: a static group's list, or what its query matched when last evaluated. Kept (not
 * computed on read) so that a device joining is noticed as a change: it gets the group's deployment.
 */
export const groupMembers = sqliteTable(
  "group_members",
  {
    groupId: text("group_id")
      .notNull()
      .references(() => deviceGroups.id, { onDelete: "cascade" }),
    deviceId: text("device_id")
      .notNull()
      .references(() => devices.id, { onDelete: "cascade" }),
    joinedAt: integer("joined_at", { mode: "number" }).notNull(),
  },
  (t) => [primaryKey({ columns: [t.groupId, t.deviceId] }), index("group_members_device").on(t.deviceId)],
);

/** A group's deployments; the newest is the group's current one. */
export const groupDeployments = sqliteTable(
  "group_deployments",
  {
    id: text("id").primaryKey(),
    groupId: text("group_id")
      .notNull()
      .references(() => deviceGroups.id, { onDelete: "cascade" }),
    projectId: text("project_id")
      .notNull()
      .references(() => projects.id, { onDelete: "cascade" }),
    projectVersion: integer("project_version").notNull(),
    /** Between groups a device is in, the higher wins, then the newer (as Azure IoT Edge). */
    priority: integer("priority").notNull().default(0),
    createdBy: text("created_by"),
    createdAt: createdAt(),
  },
  (t) => [index("group_deployments_group").on(t.groupId, t.createdAt)],
);

export const artifacts = sqliteTable("artifacts", {
  sha256: text("sha256").primaryKey(),
  size: integer("size").notNull(),
  kind: text("kind", { enum: ["model", "function", "snapshot", "upload", "clip"] }).notNull(),
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
export const soakStates = ["soaking", "passed", "failed"] as const;
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
    /** The group deployment this device deployment carries out; null when deployed to the device directly. */
    groupDeploymentId: text("group_deployment_id"),
    createdBy: text("created_by"),
    createdAt: createdAt(),
    updatedAt: integer("updated_at", { mode: "number" }),
    /** A rollout's health check, sent in the desired state (null: none asked). */
    soakSeconds: integer("soak_seconds"),
    minFpsRatio: real("min_fps_ratio"),
    /** The device's word on the soak (`soaking`, `passed`, `failed`), from its progress messages. */
    soak: text("soak", { enum: soakStates }),
    /** face-recognition: the face gallery it runs (a JSON artifact): set when deployed, replaced on every gallery change while in its device's list; null for other projects. */
    gallerySha256: text("gallery_sha256").references(() => artifacts.sha256),
  },
  (t) => [index("deployments_device").on(t.deviceId, t.createdAt), index("deployments_state").on(t.state)],
);

export const rolloutStates = ["rolling", "paused", "completed", "aborted", "cancelled"] as const;
export const rolloutDeviceStates = ["pending", "notified", "running", "failed", "rolled-back"] as const;

/** A staged rollout of one project version to a list of devices (docs/design.md "Staged rollouts"). */
export const rollouts = sqliteTable("rollouts", {
  id: text("id").primaryKey(),
  projectId: text("project_id")
    .notNull()
    .references(() => projects.id, { onDelete: "cascade" }),
  projectVersion: integer("project_version").notNull(),
  state: text("state", { enum: rolloutStates }).notNull().default("rolling"),
  /** RolloutParams from @edgelens/shared */
  params: text("params", { mode: "json" }).notNull(),
  abortReason: text("abort_reason"),
  /**
   * A rollout over a group: once it completes, its version becomes the group's deployment (with
   * this priority), so devices that join later get it too.
   */
  groupId: text("group_id").references(() => deviceGroups.id, { onDelete: "set null" }),
  priority: integer("priority").notNull().default(0),
  createdBy: text("created_by"),
  createdAt: createdAt(),
  updatedAt: integer("updated_at", { mode: "number" }),
  /** Which process drives it now (console server or a waiting CLI) and until when: one driver at a time. */
  leaseOwner: text("lease_owner"),
  leaseUntil: integer("lease_until", { mode: "number" }),
});

export const rolloutDevices = sqliteTable(
  "rollout_devices",
  {
    rolloutId: text("rollout_id")
      .notNull()
      .references(() => rollouts.id, { onDelete: "cascade" }),
    deviceId: text("device_id")
      .notNull()
      .references(() => devices.id, { onDelete: "cascade" }),
    /** The order devices are told in. */
    position: integer("position").notNull(),
    state: text("state", { enum: rolloutDeviceStates }).notNull().default("pending"),
    /** The batch it was told in (0 first). */
    batch: integer("batch"),
    deploymentId: text("deployment_id"),
    /** The version of the project the device had before (null: none): what a failure rolls back to. */
    previousVersion: integer("previous_version"),
    rollbackDeploymentId: text("rollback_deployment_id"),
    reason: text("reason"),
    notifiedAt: integer("notified_at", { mode: "number" }),
    finishedAt: integer("finished_at", { mode: "number" }),
  },
  (t) => [primaryKey({ columns: [t.rolloutId, t.deviceId] }), index("rollout_devices_order").on(t.rolloutId, t.position)],
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

/**
 * Video clips around events (docs/design.md "Clips"): asked for by a `clip` rule action (with its
 * event) or by a function's `ctx.clip`; `ready` with the MP4 artifact, or `failed` with the reason.
 */
export const clips = sqliteTable(
  "clips",
  {
    id: integer("id").primaryKey({ autoIncrement: true }),
    deviceId: text("device_id").notNull(),
    clipId: text("clip_id").notNull(),
    eventId: integer("event_id"),
    projectId: text("project_id"),
    /** The moment the clip is around (ms epoch); it reaches `pre` s before and `post` s after. */
    at: integer("at", { mode: "number" }).notNull(),
    pre: integer("pre_ms", { mode: "number" }).notNull(),
    post: integer("post_ms", { mode: "number" }).notNull(),
    state: text("state", { enum: ["requested", "ready", "failed"] }).notNull(),
    sha256: text("sha256"),
    size: integer("size"),
    durationMs: integer("duration_ms"),
    errorCode: text("error_code"),
    errorMessage: text("error_message"),
    createdAt: createdAt(),
  },
  (t) => [uniqueIndex("clips_device_clip").on(t.deviceId, t.clipId), index("clips_event").on(t.eventId), index("clips_device_created").on(t.deviceId, t.createdAt)],
);

/** Small key/value facts: first-start markers, generated secrets' presence, schema notes. */
export const settings = sqliteTable("settings", {
  key: text("key").primaryKey(),
  value: text("value").notNull(),
});

/** Known people of face recognition (docs/design.md "Face gallery"); names are what results show. */
export const people = sqliteTable("people", {
  id: text("id").primaryKey(),
  name: text("name").notNull().unique(),
  createdAt: createdAt(),
});

/** A photo of a person: the photo itself (an `upload` artifact) and its faceres descriptor, computed at upload. */
export const personPhotos = sqliteTable(
  "person_photos",
  {
    id: text("id").primaryKey(),
    personId: text("person_id")
      .notNull()
      .references(() => people.id, { onDelete: "cascade" }),
    /** The file name it was uploaded under, to name it in lists and errors. */
    fileName: text("file_name").notNull(),
    sha256: text("sha256")
      .notNull()
      .references(() => artifacts.sha256),
    /** faceres' unit-length descriptor, 1024 numbers. */
    descriptor: text("descriptor", { mode: "json" }).$type<number[]>().notNull(),
    createdAt: createdAt(),
  },
  (t) => [index("person_photos_person").on(t.personId)],
);

export const jobKinds = ["tfjs-import", "model-optimize"] as const;
export const jobStates = ["running", "succeeded", "failed"] as const;

/**
 * The console's long operations (a TF.js import, an int8 optimize), polled by id (GET
 * /api/v1/jobs/{id}). In the database, not in the process that runs one, so that every console
 * process behind a load balancer answers for every job. A running job's `updated_at` moves at
 * least every 10 s; one that stopped moving, its process died.
 */
export const jobs = sqliteTable(
  "jobs",
  {
    id: text("id").primaryKey(),
    kind: text("kind", { enum: jobKinds }).notNull(),
    state: text("state", { enum: jobStates }).notNull(),
    phase: text("phase").notNull(),
    pct: integer("pct").notNull(),
    result: text("result", { mode: "json" }),
    /** { code, message, context } of the EdgelensError that failed it. */
    error: text("error", { mode: "json" }),
    createdAt: createdAt(),
    updatedAt: integer("updated_at", { mode: "number" }).notNull(),
  },
  (t) => [index("jobs_created_at").on(t.createdAt)],
);
