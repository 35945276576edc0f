import { unstable_rethrow } from "next/navigation";
import { publicContext, publicMessage, toEdgelensError } from "@/server/http/errors";

import type { ActionResult } from "@/components/ui/action-result";

export type { ActionResult };

/**
 * Runs a service call for a server action: a thrown EdgelensError becomes a result the form
 * can show (with its code and context, e.g. the line of a compile error), nothing is lost.
 * Next's own signals (redirect, notFound) pass through.
 */
export async function runAction<T>(work: () => Promise<T> | T): Promise<ActionResult<T>> {
  try {
    return { ok: true, data: await work() };
  } catch (err) {
    unstable_rethrow(err);
    const e = toEdgelensError(err);
    const shown = publicContext(e);
    const context = shown ? (JSON.parse(JSON.stringify(shown)) as Record<string, unknown>) : undefined;
    if (e.code === "INTERNAL") console.error("[console] action failed", err);
    return { ok: false, error: publicMessage(e), code: e.code, ...(context ? { context } : {}) };
  }
}

export function formText(form: FormData, name: string): string {
  const v = form.get(name);
  return typeof v === "string" ? v.trim() : "";
}
