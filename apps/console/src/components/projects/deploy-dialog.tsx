"use client";

import Link from "next/link";
import { useRef, useState } from "react";
import type { ActionResult } from "../ui/action-result";
import { Alert } from "../ui/alert";
import { buttonClasses } from "../ui/button";
import { Select } from "../ui/form-field";
import { DeployDevicePicker } from "./deploy-device-picker";
import type { SearchDeployTargets } from "./deploy-target";

/** `version: null` deploys whatever is the latest version when the deployment starts. */
export type DeployFn = (projectId: string, deviceIds: string[], version: number | null) => Promise<ActionResult<{ deployments: Array<{ id: string; deviceId: string }> }>>;

/** Deploys to a device group (continuous: devices that join later get it too). */
export type GroupDeployFn = (projectId: string, group: string, version: number | null, priority: number) => Promise<ActionResult<{ deployments: Array<{ id: string; deviceId: string }> }>>;

/** Pick devices or a group (and a version), start one deployment per device, then link to each. */
export function DeployDialog({
  projectId,
  versions,
  search,
  deploy,
  groups = [],
  deployToGroup,
}: {
  projectId: string;
  versions: number[];
  search: SearchDeployTargets;
  deploy: DeployFn;
  groups?: string[];
  deployToGroup?: GroupDeployFn;
}) {
  const [group, setGroup] = useState<string | null>(null);
  const [priority, setPriority] = useState(0);
  const dialog = useRef<HTMLDialogElement>(null);
  const [chosen, setChosen] = useState<Set<string>>(new Set());
  const [version, setVersion] = useState<number | null>(null);
  const [pending, setPending] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [started, setStarted] = useState<Array<{ id: string; deviceId: string }> | null>(null);
  const [open, setOpen] = useState(false);

  const toggle = (id: string) =>
    setChosen((prev) => {
      const next = new Set(prev);
      if (next.has(id)) next.delete(id);
      else next.add(id);
      return next;
    });

  return (
    <>
      <button
        type="button"
        className={buttonClasses("primary")}
        data-testid="project-deploy"
        disabled={versions.length === 0}
        onClick={() => {
          setStarted(null);
          setError(null);
          setVersion(null);
          setOpen(true);
          dialog.current?.showModal();
        }}
      >
        Deploy
      </button>
      <dialog ref={dialog} className="m-auto w-[min(32rem,calc(100vw-2rem))] rounded-lg p-0 shadow-xl backdrop:bg-slate-900/40" data-testid="deploy-dialog" onClose={() => setOpen(false)}>
        <div className="space-y-4 p-5">
          <h2 className="text-base font-semibold">Deploy to devices</h2>
          {started ? (
            <div className="space-y-2">
              <Alert tone="success">
                {started.length} deployment{started.length === 1 ? "" : "s"} queued.
              </Alert>
              <ul className="space-y-1 text-sm">
                {started.map((d) => (
                  <li key={d.id}>
                    <Link className="text-sky-700 hover:underline" href={`/deployments/${d.id}`} data-testid="started-deployment">
                      {d.deviceId}: follow the deployment →
                    </Link>
                  </li>
                ))}
              </ul>
            </div>
          ) : (
            <>
              <label className="flex items-center gap-2 text-sm">
                <span className="text-slate-600">Version</span>
                <Select value={version ?? "latest"} onChange={(e) => setVersion(e.target.value === "latest" ? null : Number(e.target.value))} className="max-w-40">
                  <option value="latest">latest (v{versions[0]})</option>
                  {versions.map((v) => (
                    <option key={v} value={v}>
                      v{v}
                    </option>
                  ))}
                </Select>
              </label>
              {deployToGroup && groups.length > 0 ? (
                <label className="flex items-center gap-2 text-sm">
                  <span className="text-slate-600">Target</span>
                  <Select value={group ?? ""} onChange={(e) => setGroup(e.target.value || null)} className="max-w-56" data-testid="deploy-group">
                    <option value="">devices picked below</option>
                    {groups.map((g) => (
                      <option key={g} value={g}>
                        group {g}
                      </option>
                    ))}
                  </Select>
                  {group ? (
                    <input type="number" aria-label="priority" title="priority: between groups a device is in, the higher wins" className="w-20 rounded border border-slate-300 px-2 py-1" value={priority} onChange={(e) => setPriority(Number(e.target.value))} />
                  ) : null}
                </label>
              ) : null}
              {/* Mounted while open: the device search runs when someone deploys, not on every page view. */}
              {open && !group ? <DeployDevicePicker search={search} chosen={chosen} toggle={toggle} /> : null}
              {group ? <p className="text-xs text-slate-500">Devices that join the group later get it too; pinned devices are skipped.</p> : null}
              <p className="text-xs text-slate-500">An offline device gets the project when it reconnects.</p>
            </>
          )}
          {error ? <Alert tone="error">{error}</Alert> : null}
        </div>
        <div className="flex justify-end gap-2 border-t border-slate-100 bg-slate-50 px-5 py-3">
          <button type="button" className={buttonClasses("secondary")} onClick={() => dialog.current?.close()}>
            {started ? "Close" : "Cancel"}
          </button>
          {started ? null : (
            <button
              type="button"
              className={buttonClasses("primary")}
              disabled={pending || (chosen.size === 0 && !group)}
              data-testid="deploy-confirm"
              onClick={async () => {
                setPending(true);
                setError(null);
                const r = group && deployToGroup ? await deployToGroup(projectId, group, version, priority) : await deploy(projectId, [...chosen], version);
                setPending(false);
                if (!r.ok) return setError(r.error);
                setStarted(r.data.deployments);
                setChosen(new Set());
              }}
            >
              {pending ? "Deploying…" : group ? `Deploy to group ${group}` : `Deploy to ${chosen.size || ""} device${chosen.size === 1 ? "" : "s"}`}
            </button>
          )}
        </div>
      </dialog>
    </>
  );
}
