import { readJson } from "@/server/http/body";
import { json, route } from "@/server/http/route";
import { CreateRolloutSchema, createRollout, listRollouts } from "@/server/services/rollouts";

export const dynamic = "force-dynamic";

export const GET = route("viewer", async ({ ctx }) => json({ rollouts: listRollouts(ctx) }));

/** Records the rollout; the console's rollout engine tells the first batch within a second. */
export const POST = route("admin", async ({ req, ctx, user }) => json({ rollout: createRollout(ctx, await readJson(req, CreateRolloutSchema), user.email) }, 201));
