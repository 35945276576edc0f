import { readJson, readQuery } from "@/server/http/body";
import { json, route } from "@/server/http/route";
import { DeployInputSchema, DeploymentFilterSchema, deployProject, listDeployments, removeProject, undeployProject } from "@/server/services/deployments";

export const dynamic = "force-dynamic";

export const GET = route("viewer", async ({ req, ctx }) => json({ deployments: listDeployments(ctx, readQuery(req, DeploymentFilterSchema)) }));

/** Adds the project to the devices; `undeploy: true` removes it; `projectId: null` removes every project. */
export const POST = route("admin", async ({ req, ctx, user }) => {
  const { projectId, deviceIds, version, undeploy } = await readJson(req, DeployInputSchema);
  const deployments =
    projectId === null
      ? await removeProject(ctx, { deviceIds }, user.email)
      : undeploy
        ? await undeployProject(ctx, { projectId, deviceIds }, user.email)
        : await deployProject(ctx, { projectId, deviceIds, ...(version ? { version } : {}) }, user.email);
  return json({ deployments }, 201);
});
