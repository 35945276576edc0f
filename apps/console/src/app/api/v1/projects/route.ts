import { readJson } from "@/server/http/body";
import { json, route } from "@/server/http/route";
import { createProject, listProjects, NewProjectSchema } from "@/server/services/projects";

export const dynamic = "force-dynamic";

export const GET = route("viewer", async ({ ctx }) => json({ projects: listProjects(ctx) }));

export const POST = route("admin", async ({ req, ctx }) => json({ project: await createProject(ctx, await readJson(req, NewProjectSchema)) }, 201));
