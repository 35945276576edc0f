"use server";

import { revalidatePath } from "next/cache";
import { requireUser } from "@/server/auth/session";
import { getContext } from "@/server/get-context";
import { deployToGroup } from "@/server/services/group-deployments";
import { createGroup } from "@/server/services/groups";
import { formText, runAction, type ActionResult } from "../../_shared/action-result";

export async function createGroupAction(_prev: ActionResult<{ name: string; members: number }> | null, form: FormData): Promise<ActionResult<{ name: string; members: number }>> {
  return runAction(async () => {
    const user = await requireUser("admin");
    const name = formText(form, "name");
    const input =
      formText(form, "kind") === "static"
        ? {
            name,
            devices: formText(form, "devices")
              .split(/[\s,]+/)
              .filter(Boolean),
          }
        : { name, query: formText(form, "query") };
    const g = createGroup(await getContext(), input, user.email);
    revalidatePath("/groups");
    return { name: g.name, members: g.members };
  });
}

export async function deployToGroupAction(_prev: ActionResult<{ id: string; started: number; skipped: number }> | null, form: FormData): Promise<ActionResult<{ id: string; started: number; skipped: number }>> {
  return runAction(async () => {
    const user = await requireUser("admin");
    const group = formText(form, "group");
    const priority = Number(formText(form, "priority") || "0");
    const out = await deployToGroup(await getContext(), group, { projectId: formText(form, "projectId"), priority }, user.email);
    revalidatePath(`/groups/${group}`);
    return { id: out.groupDeployment.id, started: out.deployments.length, skipped: out.skipped.length };
  });
}
