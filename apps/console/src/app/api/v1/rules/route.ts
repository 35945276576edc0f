import { RuleDefinitionSchema } from "@edgelens/shared";
import { readJson } from "@/server/http/body";
import { json, route } from "@/server/http/route";
import { createRule, listRules } from "@/server/services/rules";

export const dynamic = "force-dynamic";

export const GET = route("viewer", async ({ ctx }) => json({ rules: listRules(ctx) }));

export const POST = route("admin", async ({ req, ctx }) => json({ rule: createRule(ctx, await readJson(req, RuleDefinitionSchema)) }, 201));
