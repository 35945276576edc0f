"use server";

import { revalidatePath } from "next/cache";
import { requireUser } from "@/server/auth/session";
import { getContext } from "@/server/get-context";
import { moveRollout } from "@/server/services/rollouts";

/** The rollout page's pause / resume / cancel buttons (plain forms: they work without JavaScript). */
export async function moveRolloutAction(id: string, action: "pause" | "resume" | "cancel"): Promise<void> {
  await requireUser("admin");
  moveRollout(await getContext(), id, action);
  revalidatePath(`/rollouts/${id}`);
}
