"use server";

import { revalidatePath } from "next/cache";
import { requireUser } from "@/server/auth/session";
import { getContext } from "@/server/get-context";
import { deleteModel } from "@/server/services/models";
import { importSampleModels } from "@/server/services/sample-models";
import { runAction, type ActionResult } from "../../_shared/action-result";

export async function importSamplesAction(): Promise<ActionResult<{ count: number }>> {
  return runAction(async () => {
    await requireUser("admin");
    const versions = await importSampleModels(await getContext());
    revalidatePath("/models");
    return { count: versions.length };
  });
}

export async function deleteModelAction(id: string): Promise<ActionResult<null>> {
  return runAction(async () => {
    await requireUser("admin");
    deleteModel(await getContext(), id);
    revalidatePath("/models");
    return null;
  });
}
