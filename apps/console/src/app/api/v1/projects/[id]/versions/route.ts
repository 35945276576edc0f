import { readJson } from "@/server/http/body";
import { json, route } from "@/server/http/route";
import { saveProjectVersion, SaveVersionSchema } from "@/server/services/projects";

export const dynamic = "force-dynamic";

/** Saves a new version; a compile error answers 422 COMPILE_FAILED with context {line, column, errors}. */
export const POST = route<{ id: string }>("admin", async ({ req, ctx, params }) =>
  json({ version: await saveProjectVersion(ctx, params.id, await readJson(req, SaveVersionSchema)) }, 201),
);
