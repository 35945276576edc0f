import { readJson, readQuery } from "@/server/http/body";
import { json, route } from "@/server/http/route";
import { DeployInputSchema, DeploymentFilterSchema, deployProject, listDeployments, removeProject } from "@/server/services/deployments";

export const dynamic = "force-dynamic";

export const GET = route("viewer", async ({ req, ctx }) => json({ deployments: listDeployments(ctx, readQuery(req, DeploymentFilterSchema)) }));

/** `projectId: null` deploys the empty project: the devices stop running what they run. */
export const POST = route("admin", async ({ req, ctx, user }) => {
  const { projectId, deviceIds, version } = await readJson(req, DeployInputSchema);
  const deployments =
    projectId === null
      ? await removeProject(ctx, { deviceIds }, user.email)
      : await deployProject(ctx, { projectId, deviceIds, ...(version ? { version } : {}) }, user.email);
  return json({ deployments }, 201);
});
