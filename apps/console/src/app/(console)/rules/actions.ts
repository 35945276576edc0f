"use server";

import { revalidatePath } from "next/cache";
import { RuleDefinitionSchema } from "@edgelens/shared/schemas";
import { requireUser } from "@/server/auth/session";
import { getContext } from "@/server/get-context";
import { createRule, deleteRule, setRuleEnabled, updateRule } from "@/server/services/rules";
import { runAction, type ActionResult } from "../../_shared/action-result";

type Draft = { name: string; sql: string; actions: unknown[]; errorAction: unknown; enabled: boolean };

export async function saveRuleAction(id: string | null, draft: Draft): Promise<ActionResult<{ id: string }>> {
  return runAction(async () => {
    await requireUser("admin");
    const ctx = await getContext();
    const def = RuleDefinitionSchema.parse({ name: draft.name, sql: draft.sql, actions: draft.actions, enabled: draft.enabled, ...(draft.errorAction ? { errorAction: draft.errorAction } : {}) });
    const rule = id ? updateRule(ctx, id, { ...def, errorAction: def.errorAction ?? null }) : createRule(ctx, def);
    revalidatePath("/rules");
    return { id: rule.id };
  });
}

export async function setRuleEnabledAction(id: string, enabled: boolean): Promise<ActionResult<null>> {
  return runAction(async () => {
    await requireUser("admin");
    setRuleEnabled(await getContext(), id, enabled);
    revalidatePath("/rules");
    return null;
  });
}

export async function deleteRuleAction(id: string): Promise<ActionResult<null>> {
  return runAction(async () => {
    await requireUser("admin");
    deleteRule(await getContext(), id);
    revalidatePath("/rules");
    return null;
  });
}
