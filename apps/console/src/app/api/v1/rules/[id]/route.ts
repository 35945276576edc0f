import { readJson } from "@/server/http/body";
import { json, noContent, route } from "@/server/http/route";
import { deleteRule, getRule, RuleUpdateSchema, updateRule } from "@/server/services/rules";

export const dynamic = "force-dynamic";

type P = { id: string };

export const GET = route<P>("viewer", async ({ ctx, params }) => json({ rule: getRule(ctx, params.id) }));

export const PATCH = route<P>("admin", async ({ req, ctx, params }) => json({ rule: updateRule(ctx, params.id, await readJson(req, RuleUpdateSchema)) }));

export const DELETE = route<P>("admin", async ({ ctx, params }) => {
  deleteRule(ctx, params.id);
  return noContent();
});
