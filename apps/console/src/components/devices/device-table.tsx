import Link from "next/link";
import { DeploymentStateBadge } from "../deployments/deployment-state";
import { RelativeTime } from "../ui/relative-time";
import { StatusBadge } from "../ui/status-badge";
import { Table, TBody, Td, Th } from "../ui/table";
import { TagList } from "./device-fleet-card";
import type { DeviceDeployment } from "./device-projects";

export type DeviceRow = {
  id: string;
  name: string;
  registration: string;
  presence: string;
  lastSeenAt: number | null;
  fps: number | null;
  latestDeployment: DeviceDeployment | null;
  /** Every project it should run, oldest first. */
  projects: DeviceDeployment[];
  tags?: Record<string, string>;
  pin?: unknown;
};

/** The newest deployment, when the cell shows it nowhere else (a failed removal, say). */
function latestApart(d: DeviceRow): d is DeviceRow & { latestDeployment: DeviceDeployment } {
  const latest = d.latestDeployment;
  return latest !== null && latest.state !== "removed" && !d.projects.some((p) => p.id === latest.id);
}

/** With `selectable`, each row has a `deviceIds` checkbox for the form around the table (bulk tagging). */
export function DeviceTable({ rows, selectable = false }: { rows: DeviceRow[]; selectable?: boolean }) {
  return (
    <Table label="Devices">
      <thead>
        <tr>
          {selectable ? (
            <Th>
              <span className="sr-only">Select</span>
            </Th>
          ) : null}
          <Th>Name</Th>
          <Th>Presence</Th>
          <Th>Projects</Th>
          <Th className="text-right">FPS</Th>
          <Th>Tags</Th>
          <Th>Last seen</Th>
        </tr>
      </thead>
      <TBody>
        {rows.map((d) => (
          <tr key={d.id} className="hover:bg-slate-50" data-testid={`device-row-${d.id}`}>
            {selectable ? (
              <Td>
                <input type="checkbox" name="deviceIds" value={d.id} aria-label={`select ${d.id}`} data-testid={`device-select-${d.id}`} />
              </Td>
            ) : null}
            <Td>
              <Link href={`/devices/${d.id}`} className="font-medium text-sky-700 hover:underline">
                {d.name}
              </Link>
              <div className="font-mono text-xs text-slate-400">{d.id}</div>
            </Td>
            <Td>
              <div className="flex flex-wrap gap-1">
                <StatusBadge status={d.presence} />
                {d.registration === "awaiting-credentials" ? <StatusBadge status={d.registration} /> : null}
                {d.pin ? <StatusBadge status="pinned" tone="violet" /> : null}
              </div>
            </Td>
            <Td>
              {d.projects.length > 0 ? (
                <ul className="space-y-0.5" data-testid={`device-projects-${d.id}`}>
                  {d.projects.map((p) => (
                    <li key={p.id} data-project={p.projectId} data-state={p.state}>
                      <Link href={`/projects/${p.projectId}`} className="hover:underline">
                        {p.projectName ?? p.projectId}
                        <span className="text-slate-400"> v{p.projectVersion}</span>
                      </Link>
                      {p.state !== "running" ? (
                        <Link href={`/deployments/${p.id}`} className="ml-2 inline-flex align-middle" title="its deployment">
                          <DeploymentStateBadge state={p.state} pct={p.pct} />
                        </Link>
                      ) : null}
                    </li>
                  ))}
                </ul>
              ) : (
                <span className="text-slate-400">none</span>
              )}
              {latestApart(d) ? (
                <Link href={`/deployments/${d.latestDeployment.id}`} className="ml-2 inline-flex align-middle" title="latest deployment">
                  <DeploymentStateBadge state={d.latestDeployment.state} pct={d.latestDeployment.pct} />
                </Link>
              ) : null}
            </Td>
            <Td className="text-right tabular-nums">{d.presence === "online" && d.fps != null ? d.fps.toFixed(1) : "—"}</Td>
            <Td>
              <TagList tags={d.tags ?? {}} />
            </Td>
            <Td className="text-slate-500">
              <RelativeTime ts={d.lastSeenAt} />
            </Td>
          </tr>
        ))}
      </TBody>
    </Table>
  );
}
