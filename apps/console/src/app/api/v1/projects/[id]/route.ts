import { readJson } from "@/server/http/body";
import { ProjectInfoSchema } from "@/server/http/api-schemas";
import { json, noContent, route } from "@/server/http/route";
import { deleteProject, getProject, updateProjectInfo } from "@/server/services/projects";

export const dynamic = "force-dynamic";

type P = { id: string };

export const GET = route<P>("viewer", async ({ ctx, params }) => json({ project: getProject(ctx, params.id) }));

export const PATCH = route<P>("admin", async ({ req, ctx, params }) => {
  const info = await readJson(req, ProjectInfoSchema);
  return json({ project: updateProjectInfo(ctx, params.id, info) });
});

export const DELETE = route<P>("admin", async ({ ctx, params }) => {
  deleteProject(ctx, params.id);
  return noContent();
});
