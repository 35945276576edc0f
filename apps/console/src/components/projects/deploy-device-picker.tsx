"use client";

import Link from "next/link";
import { useEffect, useRef, useState } from "react";
import { TextInput } from "../ui/form-field";
import { StatusBadge } from "../ui/status-badge";
import type { DeployTarget, SearchDeployTargets } from "./deploy-target";

/** Typing waits this long before it asks the server, so a word is one query, not one per key. */
const SEARCH_DELAY_MS = 200;

/**
 * Checkboxes for the devices that match the search, searched by the server (the page never loads
 * the whole fleet); choices outside the current search stay chosen.
 */
export function DeployDevicePicker({ search, chosen, toggle }: { search: SearchDeployTargets; chosen: ReadonlySet<string>; toggle: (id: string) => void }) {
  const [text, setText] = useState("");
  const [found, setFound] = useState<{ items: DeployTarget[]; total: number } | null>(null);
  const [error, setError] = useState<string | null>(null);
  const asked = useRef(0);

  useEffect(() => {
    const ask = ++asked.current;
    const timer = setTimeout(
      () => {
        search(text.trim()).then(
          (res) => {
            if (ask !== asked.current) return; // an answer to an older search
            if (res.ok) {
              setFound(res.data);
              setError(null);
            } else setError(res.error);
          },
          (e: unknown) => ask === asked.current && setError(e instanceof Error ? e.message : String(e)),
        );
      },
      ask === 1 ? 0 : SEARCH_DELAY_MS,
    );
    return () => clearTimeout(timer);
  }, [text, search]);

  const needle = text.trim();
  return (
    <div className="space-y-2">
      <TextInput type="search" value={text} onChange={(e) => setText(e.target.value)} placeholder="Search devices by id or name" aria-label="Search devices" data-testid="deploy-device-search" />
      <fieldset className="max-h-72 divide-y divide-slate-100 overflow-y-auto rounded-md border border-slate-200" data-testid="deploy-device-list" data-loaded={found ? "true" : "false"}>
        <legend className="sr-only">Devices</legend>
        {found === null && !error ? <p className="px-3 py-2 text-sm text-slate-500">Loading devices…</p> : null}
        {found?.items.map((d) => (
          <label key={d.id} className="flex cursor-pointer items-center gap-3 px-3 py-2 text-sm hover:bg-slate-50">
            <input type="checkbox" checked={chosen.has(d.id)} onChange={() => toggle(d.id)} className="h-4 w-4 rounded border-slate-300 text-sky-600" data-testid={`deploy-device-${d.id}`} />
            <span className="min-w-0 flex-1">
              <span className="font-medium text-slate-800">{d.name}</span> <span className="font-mono text-xs text-slate-400">{d.id}</span>
              {d.project ? <span className="block text-xs text-slate-500">runs {d.project}</span> : null}
            </span>
            <StatusBadge status={d.presence} />
          </label>
        ))}
        {found && found.total === 0 ? (
          <p className="px-3 py-2 text-sm text-slate-500" data-testid="deploy-device-none">
            {needle ? (
              `No device matches “${needle}”.`
            ) : (
              <>
                No devices yet.{" "}
                <Link href="/devices/new" className="text-sky-700 underline">
                  Register one
                </Link>{" "}
                first.
              </>
            )}
          </p>
        ) : null}
        {error ? (
          <p className="px-3 py-2 text-sm text-rose-700" role="alert">
            Could not search devices: {error}
          </p>
        ) : null}
      </fieldset>
      <p className="text-xs text-slate-500" data-testid="deploy-device-count">
        {found && found.total > found.items.length ? `Showing ${found.items.length} of ${found.total} matching devices; narrow the search to find others. ` : ""}
        {chosen.size > 0 ? `${chosen.size} chosen.` : ""}
      </p>
    </div>
  );
}
