"use client";

import { buttonClasses } from "./button";

/** What every `error.tsx` renders: the message (the digest in production) and a retry. */
export function RouteError({ error, retry, what }: { error: unknown; retry: () => void; what: string }) {
  const message = error instanceof Error ? error.message : String(error);
  const digest = error instanceof Error && "digest" in error ? String((error as Error & { digest?: string }).digest ?? "") : "";
  return (
    <div role="alert" data-testid="route-error" className="rounded-lg border border-rose-200 bg-rose-50 p-6">
      <h2 className="text-base font-semibold text-rose-800">Could not load {what}</h2>
      <p className="mt-1 break-words text-sm text-rose-700">{message}</p>
      {digest ? <p className="mt-1 font-mono text-xs text-rose-500">digest {digest}</p> : null}
      <button type="button" onClick={() => retry()} className={buttonClasses("secondary", "mt-4")}>
        Try again
      </button>
    </div>
  );
}
