import { readJson } from "@/server/http/body";
import { json, route } from "@/server/http/route";
import { deployToGroup, GroupDeployInputSchema, listGroupDeployments } from "@/server/services/group-deployments";

export const dynamic = "force-dynamic";

type P = { name: string };

export const GET = route<P>("viewer", async ({ ctx, params }) => json({ groupDeployments: listGroupDeployments(ctx, params.name) }));

/** The group's new current deployment: members get it now (pinned and outranked ones are listed as skipped). */
export const POST = route<P>("admin", async ({ req, ctx, params, user }) => json(await deployToGroup(ctx, params.name, await readJson(req, GroupDeployInputSchema), user.email), 201));
