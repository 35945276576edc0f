"use client";

import { useState } from "react";

/** A command line with a copy button; the text stays selectable where the clipboard API is absent (plain http). */
export function CopyText({ text, testId }: { text: string; testId?: string }) {
  const [copied, setCopied] = useState(false);
  return (
    <div className="flex items-stretch overflow-hidden rounded-md bg-slate-900 text-slate-100">
      <code className="min-w-0 flex-1 overflow-x-auto whitespace-nowrap px-3 py-2 font-mono text-sm select-all" data-testid={testId}>
        {text}
      </code>
      <button
        type="button"
        className="shrink-0 border-l border-slate-700 px-3 text-xs font-medium text-slate-300 hover:bg-slate-800"
        onClick={async () => {
          try {
            await navigator.clipboard.writeText(text);
            setCopied(true);
            setTimeout(() => setCopied(false), 1500);
          } catch {
            setCopied(false);
          }
        }}
      >
        {copied ? "Copied" : "Copy"}
      </button>
    </div>
  );
}
