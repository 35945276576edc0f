import Link from "next/link";
import type { DeviceAssignment } from "@/server/services/device-assignment";
import type { ActionFn } from "../ui/action-result";
import { Card } from "../ui/card";
import { StatusBadge } from "../ui/status-badge";
import { PinForm } from "./pin-form";
import { TagForm } from "./tag-form";

export function TagList({ tags }: { tags: Record<string, string> }) {
  const entries = Object.entries(tags);
  if (entries.length === 0) return <span className="text-slate-400">no tags</span>;
  return (
    <span className="flex flex-wrap gap-1" data-testid="device-tags">
      {entries.map(([k, v]) => (
        <span key={k} className="rounded bg-slate-100 px-1.5 py-0.5 font-mono text-xs text-slate-700">
          {k}={v}
        </span>
      ))}
    </span>
  );
}

/** Tags, pin, groups, and why the device runs what it runs (docs/design.md "Device groups"). */
export function DeviceFleetCard({
  deviceId,
  tags,
  assignment,
  actions,
}: {
  deviceId: string;
  tags: Record<string, string>;
  assignment: DeviceAssignment;
  actions: { tag: ActionFn<{ tagged: number; deployments: number }>; pin: ActionFn<null>; unpin: ActionFn<null> } | null;
}) {
  return (
    <Card title="Tags and groups">
      <div className="space-y-3 text-sm">
        <div className="flex flex-wrap items-center gap-2">
          <TagList tags={tags} />
          {assignment.pinned ? <StatusBadge status="pinned" tone="violet" /> : null}
        </div>
        <p className="text-slate-700" data-testid="device-assignment">
          {assignment.reason}
        </p>
        {assignment.groups.length > 0 ? (
          <ul className="text-slate-600" data-testid="device-groups">
            {assignment.groups.map((g) => (
              <li key={g.name}>
                <Link href={`/groups/${g.name}`} className="text-sky-700 hover:underline">
                  {g.name}
                </Link>
                {g.current ? ` — ${g.current.projectName} v${g.current.projectVersion}, priority ${g.current.priority}` : " — no deployment"}
              </li>
            ))}
          </ul>
        ) : null}
        {actions ? (
          <>
            <TagForm action={actions.tag} deviceId={deviceId} />
            <PinForm deviceId={deviceId} pinned={assignment.pinned} pin={actions.pin} unpin={actions.unpin} />
          </>
        ) : null}
      </div>
    </Card>
  );
}
