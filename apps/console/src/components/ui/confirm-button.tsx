"use client";

import { useRef, useState, type ReactNode } from "react";
import { buttonClasses, type ButtonVariant } from "./button";

/**
 * A button that asks before it runs `onConfirm` (a server action or any async call); errors
 * the call throws or returns are shown in the dialog instead of being lost.
 */
export function ConfirmButton({
  label,
  title,
  body,
  confirmLabel = "Confirm",
  variant = "danger",
  onConfirm,
  testId,
}: {
  label: ReactNode;
  title: string;
  body?: ReactNode;
  confirmLabel?: string;
  variant?: ButtonVariant;
  onConfirm: () => Promise<{ error?: string } | void>;
  testId?: string;
}) {
  const dialog = useRef<HTMLDialogElement>(null);
  const [pending, setPending] = useState(false);
  const [error, setError] = useState<string | null>(null);

  async function confirm() {
    setPending(true);
    setError(null);
    try {
      const result = await onConfirm();
      if (result && result.error) setError(result.error);
      else dialog.current?.close();
    } catch (e) {
      setError(e instanceof Error ? e.message : String(e));
    } finally {
      setPending(false);
    }
  }

  return (
    <>
      <button type="button" className={buttonClasses(variant === "danger" ? "secondary" : variant, variant === "danger" ? "text-rose-700" : undefined)} onClick={() => dialog.current?.showModal()} data-testid={testId}>
        {label}
      </button>
      <dialog ref={dialog} className="m-auto w-[min(28rem,calc(100vw-2rem))] rounded-lg p-0 shadow-xl backdrop:bg-slate-900/40">
        <div className="p-5">
          <h2 className="text-base font-semibold text-slate-900">{title}</h2>
          {body ? <div className="mt-2 text-sm text-slate-600">{body}</div> : null}
          {error ? (
            <p role="alert" className="mt-3 rounded-md bg-rose-50 px-3 py-2 text-sm text-rose-700">
              {error}
            </p>
          ) : null}
        </div>
        <div className="flex justify-end gap-2 border-t border-slate-100 bg-slate-50 px-5 py-3">
          <button type="button" className={buttonClasses("secondary")} onClick={() => dialog.current?.close()} disabled={pending}>
            Cancel
          </button>
          <button type="button" className={buttonClasses(variant)} onClick={confirm} disabled={pending} data-testid={testId ? `${testId}-confirm` : undefined}>
            {pending ? "Working…" : confirmLabel}
          </button>
        </div>
      </dialog>
    </>
  );
}
