"use client";

import Link from "next/link";
import { useRouter } from "next/navigation";
import { useState } from "react";
import { decodeReportedState, type ReportedProject } from "@edgelens/shared/schemas";
import { topics } from "@edgelens/shared/topics";
import { DeploymentStateBadge, LIVE_STATES, reasonClasses } from "../deployments/deployment-state";
import { galleryStatus } from "./gallery-status";
import { useMqttSubscription } from "../mqtt/mqtt-provider";
import type { ActionResult } from "../ui/action-result";
import { ConfirmButton } from "../ui/confirm-button";

export type DeviceDeployment = {
  id: string;
  state: string;
  pct: number | null;
  reason: string | null;
  projectId: string | null;
  projectName: string | null;
  projectVersion: number | null;
  gallerySha256?: string | null;
};

type Undeploy = (deviceId: string, projectId: string) => Promise<ActionResult<null>>;

function ProjectRow({ deviceId, row, live, undeploy }: { deviceId: string; row: DeviceDeployment; live: ReportedProject | undefined; undeploy: Undeploy | null }) {
  const router = useRouter();
  // The device's own word once it reports this deployment; the console's record until then.
  const state = live?.deploymentId === row.id ? live.state : row.state;
  // The device's last error is one; the console's reason ("soak passed: …") reads in its state's colour.
  const error = live?.deploymentId === row.id ? live.lastError?.message : row.reason;
  const errorBox = live?.deploymentId === row.id ? reasonClasses("failed").box : reasonClasses(state).box;
  const gallery = galleryStatus(row.gallerySha256, live?.gallery, live?.deploymentId === row.id);
  return (
    <li className="space-y-1 rounded-md border border-slate-200 p-2" data-testid={`device-project-${row.projectId}`} data-state={state}>
      <div className="flex items-center justify-between gap-2">
        <Link href={`/projects/${row.projectId}`} className="font-medium text-sky-700 hover:underline">
          {row.projectName ?? row.projectId} v{row.projectVersion}
        </Link>
        <DeploymentStateBadge state={state} pct={row.pct} />
      </div>
      <div className="flex flex-wrap items-center justify-between gap-2 text-xs text-slate-500">
        <Link href={`/deployments/${row.id}`} className="font-mono text-sky-700 hover:underline">
          {row.id}
        </Link>
        {live && LIVE_STATES.has(live.state) ? (
          <span className="tabular-nums">
            {live.fps.toFixed(1)} fps · p50 {live.latencyMs.p50.toFixed(0)} ms{live.threads ? ` · ${live.threads} thread(s)/model` : ""}
          </span>
        ) : null}
      </div>
      {live?.source ? <p className="truncate text-xs text-slate-500">{live.source}</p> : null}
      {gallery ? (
        <p className={`text-xs ${gallery.tone === "ok" ? "text-emerald-700" : "text-amber-700"}`} data-testid={`device-gallery-${row.projectId}`} data-tone={gallery.tone}>
          {gallery.text}
        </p>
      ) : null}
      {error ? <p className={`rounded px-2 py-1 text-xs ${errorBox}`}>{error}</p> : null}
      {undeploy && row.projectId ? (
        <ConfirmButton
          label="Undeploy"
          variant="secondary"
          title={`Undeploy ${row.projectName ?? row.projectId} from ${deviceId}?`}
          body="The device stops this project; its other projects keep running."
          confirmLabel="Undeploy"
          testId={`device-undeploy-${row.projectId}`}
          onConfirm={async () => {
            const r = await undeploy(deviceId, row.projectId!);
            if (!r.ok) return { error: r.error };
            router.refresh();
          }}
        />
      ) : null}
    </li>
  );
}

/**
 * The projects the device should run (the console's list, oldest first), each with its state
 * and, from the device's retained `shadow/reported`, its fps, latency and last error. Admins get
 * an Undeploy button per project.
 */
export function DeviceProjects({ deviceId, rows, undeploy }: { deviceId: string; rows: DeviceDeployment[]; undeploy: Undeploy | null }) {
  const [live, setLive] = useState<Map<string, ReportedProject>>(new Map());
  useMqttSubscription(topics.shadowReported(deviceId), ({ payload }) => {
    const decoded = decodeReportedState(payload);
    // An older agent reports no per-project list: the console's states stand.
    if (!decoded.ok) return;
    setLive(new Map((decoded.value.projects ?? []).map((p) => [p.project.id, p])));
  });
  const states = rows.map((r) => (live.get(r.projectId ?? "")?.deploymentId === r.id ? live.get(r.projectId ?? "")!.state : r.state));
  const summary = states.some((s) => LIVE_STATES.has(s)) ? "running" : (states.at(-1) ?? "none");
  return (
    <div className="text-sm" data-testid="current-project" data-state={summary} data-count={rows.length}>
      {rows.length === 0 ? (
        <p className="text-slate-500">Runs nothing.</p>
      ) : (
        <ul className="space-y-2">
          {rows.map((row) => (
            <ProjectRow key={row.id} deviceId={deviceId} row={row} live={live.get(row.projectId ?? "")} undeploy={undeploy} />
          ))}
        </ul>
      )}
    </div>
  );
}
