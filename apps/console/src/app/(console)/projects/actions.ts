"use server";

import { revalidatePath } from "next/cache";
import { redirect } from "next/navigation";
import { ProjectConfigSchema } from "@edgelens/shared/schemas";
import { requireUser } from "@/server/auth/session";
import { getContext } from "@/server/get-context";
import { deployProject } from "@/server/services/deployments";
import { DeviceQuerySchema, queryDevices } from "@/server/services/devices";
import { deployToGroup } from "@/server/services/group-deployments";
import { createProject, deleteProject, saveProjectVersion } from "@/server/services/projects";
import { formText, runAction, type ActionResult } from "../../_shared/action-result";
import { DEPLOY_PICKER_MAX, type DeployTarget } from "@/components/projects/deploy-target";

export async function createProjectAction(_prev: ActionResult<null> | null, form: FormData): Promise<ActionResult<null>> {
  let id = "";
  const result = await runAction(async () => {
    await requireUser("admin");
    const template = formText(form, "template");
    const description = formText(form, "description");
    const project = await createProject(await getContext(), {
      name: formText(form, "name"),
      ...(template && template !== "blank" ? { template } : {}),
      ...(description ? { description } : {}),
    });
    id = project.id;
    revalidatePath("/projects");
    return null;
  });
  if (!result.ok) return result;
  redirect(`/projects/${id}`);
}

export async function saveProjectVersionAction(
  projectId: string,
  input: { functionSource: string; config: Record<string, unknown>; models: Record<string, string> },
): Promise<ActionResult<{ version: number }>> {
  return runAction(async () => {
    await requireUser("admin");
    const config = ProjectConfigSchema.parse(input.config);
    const v = await saveProjectVersion(await getContext(), projectId, { functionSource: input.functionSource, config, models: input.models });
    revalidatePath(`/projects/${projectId}`);
    return { version: v.version };
  });
}

export async function deployProjectAction(projectId: string, deviceIds: string[], version: number | null): Promise<ActionResult<{ deployments: Array<{ id: string; deviceId: string }> }>> {
  return runAction(async () => {
    const user = await requireUser("admin");
    const started = await deployProject(await getContext(), { projectId, deviceIds, ...(version ? { version } : {}) }, user.email);
    revalidatePath("/deployments");
    return { deployments: started.map((d) => ({ id: d.id, deviceId: d.deviceId })) };
  });
}

/** The deploy dialog's device search: at most `DEPLOY_PICKER_MAX` matches, searched in SQL. */
export async function searchDeployTargetsAction(q: string): Promise<ActionResult<{ items: DeployTarget[]; total: number }>> {
  return runAction(async () => {
    await requireUser("admin");
    const query = DeviceQuerySchema.parse({ q: q || undefined, limit: DEPLOY_PICKER_MAX });
    const page = queryDevices(await getContext(), query);
    return { items: page.items.map((d) => ({ id: d.id, name: d.name, presence: d.presence, project: d.deployment?.projectName ?? null })), total: page.total };
  });
}

export async function deleteProjectAction(projectId: string): Promise<ActionResult<null>> {
  return runAction(async () => {
    await requireUser("admin");
    deleteProject(await getContext(), projectId);
    revalidatePath("/projects");
    return null;
  });
}

export async function deployProjectToGroupAction(projectId: string, group: string, version: number | null, priority: number): Promise<ActionResult<{ deployments: Array<{ id: string; deviceId: string }> }>> {
  return runAction(async () => {
    const user = await requireUser("admin");
    const out = await deployToGroup(await getContext(), group, { projectId, priority, ...(version ? { version } : {}) }, user.email);
    revalidatePath(`/groups/${group}`);
    return { deployments: out.deployments.map((d) => ({ id: d.id, deviceId: d.deviceId })) };
  });
}
