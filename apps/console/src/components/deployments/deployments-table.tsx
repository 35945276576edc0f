import Link from "next/link";
import { RelativeTime } from "../ui/relative-time";
import { StatusBadge } from "../ui/status-badge";
import { Table, TBody, Td, Th } from "../ui/table";
import { DeploymentStateBadge, LIVE_STATES, reasonClasses } from "./deployment-state";

export type DeploymentRow = {
  id: string;
  deviceId: string;
  projectId: string | null;
  projectName: string | null;
  projectVersion: number | null;
  state: string;
  pct: number | null;
  reason: string | null;
  createdBy: string | null;
  createdAt: number;
  updatedAt: number | null;
};

/**
 * `current`: on one device's history, the deployments its project list holds now. A row that
 * reached running but is not among them was replaced by a newer one of its project (or removed):
 * it reads "superseded", not "running" beside the one that runs.
 */
export function DeploymentsTable({ rows, showDevice = true, showProject = true, current }: { rows: DeploymentRow[]; showDevice?: boolean; showProject?: boolean; current?: ReadonlySet<string> }) {
  return (
    <Table label="Deployments">
      <thead>
        <tr>
          <Th>Deployment</Th>
          {showProject ? <Th>Project</Th> : null}
          {showDevice ? <Th>Device</Th> : null}
          <Th>State</Th>
          <Th>Started</Th>
          <Th>By</Th>
        </tr>
      </thead>
      <TBody>
        {rows.map((d) => (
          <tr key={d.id} className="hover:bg-slate-50" data-testid={`deployment-row-${d.id}`} data-state={d.state}>
            <Td>
              <Link href={`/deployments/${d.id}`} className="font-mono text-xs text-sky-700 hover:underline">
                {d.id}
              </Link>
            </Td>
            {showProject ? (
              <Td>
                {d.projectId ? (
                  <Link href={`/projects/${d.projectId}`} className="hover:underline">
                    {d.projectName ?? d.projectId}
                    <span className="text-slate-400">{d.projectVersion !== null ? ` v${d.projectVersion}` : " — undeploy"}</span>
                  </Link>
                ) : (
                  <span className="italic text-slate-500">{d.projectName ?? "remove all projects"}</span>
                )}
              </Td>
            ) : null}
            {showDevice ? (
              <Td>
                <Link href={`/devices/${d.deviceId}`} className="hover:underline">
                  {d.deviceId}
                </Link>
              </Td>
            ) : null}
            <Td className="max-w-xs whitespace-normal">
              {current && LIVE_STATES.has(d.state) && !current.has(d.id) ? (
                <span title={`it reached ${d.state}; a newer deployment of its project replaced it`} data-testid={`deployment-superseded-${d.id}`}>
                  <StatusBadge status="superseded" tone="slate" />
                </span>
              ) : (
                <DeploymentStateBadge state={d.state} pct={d.pct} />
              )}
              {d.reason ? <div className={`mt-0.5 line-clamp-2 text-xs ${reasonClasses(d.state).text}`}>{d.reason}</div> : null}
            </Td>
            <Td className="text-slate-500">
              <RelativeTime ts={d.createdAt} />
            </Td>
            <Td className="text-slate-500">{d.createdBy ?? "—"}</Td>
          </tr>
        ))}
      </TBody>
    </Table>
  );
}
