import { z } from "zod";
import { CLIP_MAX_POST_S, CLIP_MAX_PRE_S } from "./clip";

export const RepublishActionSchema = z.object({
  type: z.literal("republish"),
  /** Topic template: `${name}` is replaced by the selected field `name`. */
  topic: z.string().min(1).max(512),
  qos: z.union([z.literal(0), z.literal(1)]).default(0),
});

export const WebhookActionSchema = z.object({
  type: z.literal("webhook"),
  url: z.url(),
  headers: z.record(z.string(), z.string()).optional(),
  timeoutMs: z.number().int().positive().max(60_000).default(5_000),
  retries: z.number().int().nonnegative().max(10).default(2),
});

export const StoreActionSchema = z.object({
  type: z.literal("store"),
  /** Ask the device for a snapshot to store beside the event. */
  snapshot: z.boolean().default(false),
});

/** Stores the event as `store` does and asks the device for a video clip around it. */
export const ClipActionSchema = z
  .object({
    type: z.literal("clip"),
    pre: z.number().min(0).max(CLIP_MAX_PRE_S).default(5),
    post: z.number().min(0).max(CLIP_MAX_POST_S).default(5),
  })
  .refine((a) => a.pre + a.post >= 1, { message: "pre + post must be at least 1 second" });

export const RuleActionSchema = z.discriminatedUnion("type", [RepublishActionSchema, WebhookActionSchema, StoreActionSchema, ClipActionSchema]);
export type RuleActionConfig = z.infer<typeof RuleActionSchema>;

export const RuleDefinitionSchema = z.object({
  name: z.string().min(1).max(128),
  sql: z.string().min(1).max(8192),
  actions: z.array(RuleActionSchema).min(1).max(8),
  errorAction: RuleActionSchema.optional(),
  enabled: z.boolean().default(true),
});
export type RuleDefinition = z.infer<typeof RuleDefinitionSchema>;

/** What a `store` action writes and the console lists as an event. */
export const StoredEventSchema = z.object({
  ruleName: z.string(),
  topic: z.string(),
  deviceId: z.string().nullable(),
  payload: z.record(z.string(), z.unknown()),
  ts: z.number().int().nonnegative(),
});
export type StoredEvent = z.infer<typeof StoredEventSchema>;
