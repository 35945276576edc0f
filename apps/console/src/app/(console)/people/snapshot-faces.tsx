import Link from "next/link";
import { SnapshotFacePicker } from "@/components/people/snapshot-face-picker";
import type { ActionFn } from "@/components/ui/action-result";
import { Alert } from "@/components/ui/alert";
import { RelativeTime } from "@/components/ui/relative-time";
import type { ServiceContext } from "@/server/context";
import { findSnapshotFaces, listFaceSnapshots } from "@/server/services/snapshot-faces";
import { isEdgelensError } from "@edgelens/shared";

/**
 * The People page's second way in: the newest event snapshots to choose from, or the chosen one
 * (`?snapshot=<sha256>`) with its faces found on the server.
 */
export async function SnapshotFaces({ ctx, snapshot, people, action }: { ctx: ServiceContext; snapshot?: string; people: string[]; action: ActionFn<{ name: string; photos: number }> }) {
  if (snapshot) {
    const found = await findSnapshotFaces(ctx, snapshot).catch((err: unknown) => {
      if (isEdgelensError(err)) return err;
      throw err;
    });
    return (
      <div className="space-y-3">
        <Link href="/people#from-snapshot" className="text-sm text-sky-700 hover:underline">
          ← Other snapshots
        </Link>
        {found instanceof Error ? (
          <Alert tone="error">{found.message}</Alert>
        ) : (
          <SnapshotFacePicker sha256={found.sha256} url={found.url} width={found.width} height={found.height} faces={found.faces} people={people} action={action} />
        )}
      </div>
    );
  }
  const choices = listFaceSnapshots(ctx);
  if (choices.length === 0) {
    return <p className="text-sm text-slate-600">No event snapshots yet. A rule that stores events with a snapshot keeps the picture of each event; its faces can then be picked here.</p>;
  }
  return (
    <ul className="grid grid-cols-2 gap-3 sm:grid-cols-4 lg:grid-cols-6" data-testid="face-snapshots">
      {choices.map((c) => (
        <li key={c.sha256}>
          <Link href={`/people?snapshot=${c.sha256}#from-snapshot`} className="block rounded border border-slate-200 p-1 hover:border-sky-400" data-testid="face-snapshot">
            {/* A console-served JPEG: next/image's optimiser would add nothing here. */}
            <img src={c.url} alt={`Snapshot from ${c.deviceId ?? "a device"}`} className="aspect-video w-full rounded bg-slate-100 object-cover" loading="lazy" />
            <span className="mt-1 block truncate text-xs text-slate-600">
              {c.deviceId ?? "—"} · {c.ruleName}
            </span>
            <span className="block text-[11px] text-slate-400">
              <RelativeTime ts={c.ts} />
            </span>
          </Link>
        </li>
      ))}
    </ul>
  );
}
