import { readJson } from "@/server/http/body";
import { json, route } from "@/server/http/route";
import { getRollout, moveRollout, RolloutMoveSchema } from "@/server/services/rollouts";

export const dynamic = "force-dynamic";

export const GET = route<{ id: string }>("viewer", async ({ ctx, params }) => json({ rollout: getRollout(ctx, params.id) }));

export const PATCH = route<{ id: string }>("admin", async ({ req, ctx, params }) => {
  const { action } = await readJson(req, RolloutMoveSchema);
  return json({ rollout: moveRollout(ctx, params.id, action) });
});
