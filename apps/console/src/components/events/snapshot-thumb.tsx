"use client";

import { useState } from "react";

/** An event's snapshot (`GET /api/v1/snapshots/{sha256}`, UI-NEEDS 2), or a plain box when it cannot be read. */
export function SnapshotThumb({ sha256, eventId }: { sha256: string | null; eventId: number }) {
  const [failed, setFailed] = useState(false);
  if (!sha256) return <span className="text-slate-300">—</span>;
  if (failed) return <div className="grid h-12 w-20 place-items-center rounded bg-slate-100 text-[10px] text-slate-400">unavailable</div>;
  const url = `/api/v1/snapshots/${sha256}`;
  return (
    <a href={url} target="_blank" rel="noreferrer" title="Open the full picture" data-testid="snapshot-link">
      {/* A console-served JPEG: next/image's optimiser would add nothing here. */}
      <img src={url} alt={`Snapshot of event ${eventId}`} width={80} height={48} className="h-12 w-20 rounded bg-slate-200 object-cover" loading="lazy" decoding="async" onError={() => setFailed(true)} />
    </a>
  );
}
