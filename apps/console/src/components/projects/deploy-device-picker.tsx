"use client";

import { useState } from "react";
import { TextInput } from "../ui/form-field";
import { StatusBadge } from "../ui/status-badge";
import type { DeployTarget } from "./deploy-dialog";

/** A fleet can have thousands of devices: render at most this many checkboxes; the search finds the rest. */
const SHOWN_MAX = 100;

/** Checkboxes for the devices that match the search; choices outside the current search stay chosen. */
export function DeployDevicePicker({ devices, chosen, toggle }: { devices: DeployTarget[]; chosen: ReadonlySet<string>; toggle: (id: string) => void }) {
  const [search, setSearch] = useState("");
  const needle = search.trim().toLowerCase();
  const matches = needle ? devices.filter((d) => d.id.includes(needle) || d.name.toLowerCase().includes(needle)) : devices;
  const shown = matches.slice(0, SHOWN_MAX);
  return (
    <div className="space-y-2">
      <TextInput type="search" value={search} onChange={(e) => setSearch(e.target.value)} placeholder={`Search ${devices.length} devices by id or name`} aria-label="Search devices" data-testid="deploy-device-search" />
      <fieldset className="max-h-72 divide-y divide-slate-100 overflow-y-auto rounded-md border border-slate-200">
        <legend className="sr-only">Devices</legend>
        {shown.map((d) => (
          <label key={d.id} className="flex cursor-pointer items-center gap-3 px-3 py-2 text-sm hover:bg-slate-50">
            <input type="checkbox" checked={chosen.has(d.id)} onChange={() => toggle(d.id)} className="h-4 w-4 rounded border-slate-300 text-sky-600" data-testid={`deploy-device-${d.id}`} />
            <span className="min-w-0 flex-1">
              <span className="font-medium text-slate-800">{d.name}</span> <span className="font-mono text-xs text-slate-400">{d.id}</span>
              {d.project ? <span className="block text-xs text-slate-500">runs {d.project}</span> : null}
            </span>
            <StatusBadge status={d.presence} />
          </label>
        ))}
        {matches.length === 0 ? <p className="px-3 py-2 text-sm text-slate-500">No device matches “{search.trim()}”.</p> : null}
      </fieldset>
      <p className="text-xs text-slate-500" data-testid="deploy-device-count">
        {matches.length > shown.length ? `Showing ${shown.length} of ${matches.length} matching devices; narrow the search to find others. ` : ""}
        {chosen.size > 0 ? `${chosen.size} chosen.` : ""}
      </p>
    </div>
  );
}
