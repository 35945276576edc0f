/**
 * The configuration keys every part shares, with their one default each (docs/design.md
 * "Configuration"), and `createEnv`, which each entry point calls once with its own keys.
 * Browser-safe: the caller passes the environment record in; resolving EDGELENS_DATA_DIR
 * against the workspace root is node-side (`resolveDataDir` of @edgelens/db).
 */
import { z } from "zod";
import { EdgelensError } from "./errors";
import { formatZodError } from "./schemas/common";

export const portSchema = z.coerce.number().int().min(0).max(65535);

export const SharedEnvKeys = {
  /** Relative paths resolve against the workspace root (the folder of pnpm-workspace.yaml). */
  EDGELENS_DATA_DIR: z.string().min(1).default("./data"),
  EDGELENS_HOST: z.string().min(1).default("127.0.0.1"),
  EDGELENS_CONSOLE_PORT: portSchema.default(3000),
  EDGELENS_CONSOLE_URL: z.url().optional(),
  EDGELENS_MQTT_PORT: portSchema.default(1883),
  EDGELENS_MQTT_TLS_PORT: portSchema.default(8883),
  EDGELENS_TLS_CERT: z.string().min(1).optional(),
  EDGELENS_TLS_KEY: z.string().min(1).optional(),
  EDGELENS_WS_PORT: portSchema.default(8083),
  /** The broker's health and metrics endpoint; the launcher passes it on. */
  EDGELENS_BROKER_HTTP_PORT: portSchema.default(9883),
  EDGELENS_BROKER_URL: z
    .string()
    .regex(/^(mqtts?|wss?|tcp|ssl):\/\/[^/]+/, "must be mqtt://host:port, mqtts://, ws:// or wss://")
    .optional(),
  EDGELENS_SECRET: z.string().min(16, "must be at least 16 characters").optional(),
  EDGELENS_ADMIN_EMAIL: z.email().default("admin@edgelens.local"),
  EDGELENS_ADMIN_PASSWORD: z.string().min(8, "must be at least 8 characters").optional(),
  /** Hosts and CIDRs webhooks may reach inside the refused private ranges (console and broker). */
  EDGELENS_WEBHOOK_ALLOW: z.string().optional(),
  /** Folder of the test media (dog.jpg, vtest.avi, ...); default: ../shared/media. */
  EDGELENS_MEDIA_DIR: z.string().min(1).optional(),
} as const;
export type SharedEnvKey = keyof typeof SharedEnvKeys;

export type EnvSource = Record<string, string | undefined>;

export interface CreateEnvOptions<Shared extends SharedEnvKey, Own extends z.ZodRawShape> {
  /** Named in the error: "invalid broker configuration: ...". */
  part: string;
  /** The shared keys this part reads. */
  shared: readonly Shared[];
  /** The part's own keys. */
  own: Own;
  /**
   * Keys this part owns by name: any EDGELENS_* key matching it that `own` lacks is refused, so a
   * misspelt key fails the start instead of falling back to a default.
   */
  ownPattern?: RegExp;
}

type Parsed<Shared extends SharedEnvKey, Own extends z.ZodRawShape> = z.infer<z.ZodObject<Pick<typeof SharedEnvKeys, Shared> & Own>>;

/** The part's parser: validates a record once; throws INVALID_CONFIG naming each bad field. */
export function createEnv<Shared extends SharedEnvKey, Own extends z.ZodRawShape>(options: CreateEnvOptions<Shared, Own>): (source: EnvSource) => Parsed<Shared, Own> {
  const sharedShape = Object.fromEntries(options.shared.map((key) => [key, SharedEnvKeys[key]]));
  const schema = z.object({ ...sharedShape, ...options.own });
  const known = new Set(Object.keys(schema.shape));
  return (source) => {
    const present: Record<string, string> = {};
    const unknown: string[] = [];
    for (const [key, value] of Object.entries(source)) {
      if (value === undefined || value === "") continue;
      if (known.has(key)) present[key] = value;
      else if (options.ownPattern?.test(key) && !(key in SharedEnvKeys)) unknown.push(key);
    }
    if (unknown.length > 0) {
      throw new EdgelensError("INVALID_CONFIG", `invalid ${options.part} configuration: ${unknown.join(", ")}: unknown variable (typo?)`, { field: unknown[0] });
    }
    const parsed = schema.safeParse(present);
    if (!parsed.success) {
      const field = String(parsed.error.issues[0]?.path[0] ?? "(env)");
      throw new EdgelensError("INVALID_CONFIG", `invalid ${options.part} configuration: ${formatZodError(parsed.error)}`, { field });
    }
    return parsed.data as Parsed<Shared, Own>;
  };
}
