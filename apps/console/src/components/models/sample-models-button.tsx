"use client";

import { useState, useTransition } from "react";
import type { ActionResult } from "../ui/action-result";
import { buttonClasses } from "../ui/button";

/** Imports the sample models (idempotent); it takes a while the first time (conversion). */
export function SampleModelsButton({ action }: { action: () => Promise<ActionResult<{ count: number }>> }) {
  const [pending, start] = useTransition();
  const [message, setMessage] = useState<{ ok: boolean; text: string } | null>(null);
  return (
    <span className="inline-flex items-center gap-2">
      <button
        type="button"
        className={buttonClasses("secondary")}
        disabled={pending}
        onClick={() =>
          start(async () => {
            const r = await action();
            setMessage(r.ok ? { ok: true, text: `${r.data.count} sample models ready` } : { ok: false, text: r.error });
          })
        }
      >
        {pending ? "Adding samples…" : "Add sample models"}
      </button>
      {message ? <span className={message.ok ? "text-xs text-emerald-700" : "text-xs text-rose-700"}>{message.text}</span> : null}
    </span>
  );
}
