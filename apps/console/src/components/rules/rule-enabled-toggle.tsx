"use client";

import { useOptimistic, useTransition } from "react";
import type { ActionResult } from "../ui/action-result";
import { joinClasses } from "../ui/class-names";

/** An on/off switch that flips at once and settles on what the server says. */
export function RuleEnabledToggle({ id, enabled, action, readOnly }: { id: string; enabled: boolean; action: (id: string, enabled: boolean) => Promise<ActionResult<null>>; readOnly: boolean }) {
  const [optimistic, setOptimistic] = useOptimistic(enabled);
  const [pending, start] = useTransition();
  return (
    <button
      type="button"
      role="switch"
      aria-checked={optimistic}
      aria-label={optimistic ? "Disable rule" : "Enable rule"}
      disabled={readOnly || pending}
      onClick={() =>
        start(async () => {
          setOptimistic(!optimistic);
          const r = await action(id, !optimistic);
          if (!r.ok) alert(r.error);
        })
      }
      className={joinClasses("relative inline-flex h-5 w-9 shrink-0 rounded-full transition-colors disabled:opacity-60", optimistic ? "bg-emerald-500" : "bg-slate-300")}
    >
      <span className={joinClasses("absolute top-0.5 h-4 w-4 rounded-full bg-white shadow transition-transform", optimistic ? "translate-x-4" : "translate-x-0.5")} />
    </button>
  );
}
