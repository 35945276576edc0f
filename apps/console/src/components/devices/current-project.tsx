import Link from "next/link";
import type { ReactNode } from "react";
import { DeploymentStateBadge } from "../deployments/deployment-state";

export type DeviceDeployment = { id: string; state: string; pct: number | null; reason: string | null; projectId: string | null; projectName: string | null; projectVersion: number | null };

function Row({ label, children }: { label: string; children: ReactNode }) {
  return (
    <div className="flex items-center justify-between gap-2">
      <dt className="text-slate-500">{label}</dt>
      <dd className="text-right">{children}</dd>
    </div>
  );
}

/** What runs on the device now, and the newest deployment when that one is still on its way (or failed). */
export function CurrentProject({ running, latest }: { running: DeviceDeployment | null; latest: DeviceDeployment | null }) {
  const pending = latest && latest.id !== running?.id ? latest : null;
  return (
    <dl className="space-y-2 text-sm" data-testid="current-project" data-state={running?.state ?? "none"}>
      <Row label="Running">
        {running ? (
          <Link href={`/projects/${running.projectId}`} className="font-medium text-sky-700 hover:underline">
            {running.projectName} v{running.projectVersion}
          </Link>
        ) : (
          <span className="text-slate-500">nothing</span>
        )}
      </Row>
      {running ? (
        <Row label="Since deployment">
          <Link href={`/deployments/${running.id}`} className="font-mono text-xs text-sky-700 hover:underline">
            {running.id}
          </Link>
        </Row>
      ) : null}
      {pending ? (
        <div className="mt-3 space-y-1 rounded-md border border-slate-200 p-2" data-testid="latest-deployment" data-state={pending.state}>
          <Row label="Latest deployment">
            <Link href={`/deployments/${pending.id}`} className="text-sky-700 hover:underline">
              {pending.projectName ? `${pending.projectName} v${pending.projectVersion}` : "remove project"}
            </Link>
          </Row>
          <Row label="State">
            <DeploymentStateBadge state={pending.state} pct={pending.pct} />
          </Row>
          {pending.reason ? <p className="rounded bg-rose-50 px-2 py-1 text-xs text-rose-700">{pending.reason}</p> : null}
        </div>
      ) : null}
    </dl>
  );
}
