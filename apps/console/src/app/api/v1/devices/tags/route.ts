import { readJson } from "@/server/http/body";
import { json, route } from "@/server/http/route";
import { changeDeviceTags, TagChangeSchema } from "@/server/services/device-tags";

export const dynamic = "force-dynamic";

/** Tags many devices at once (the device list's multi-select); all or none. */
export const POST = route("admin", async ({ req, ctx, user }) => json(await changeDeviceTags(ctx, await readJson(req, TagChangeSchema), user.email)));
