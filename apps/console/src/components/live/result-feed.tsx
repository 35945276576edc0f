"use client";

import { useRef, useState } from "react";
import { topics } from "@edgelens/shared/topics";
import { decodeInferenceResult, type InferenceResult } from "@edgelens/shared/schemas";
import { useMqttSubscription } from "../mqtt/mqtt-provider";

const KEEP = 40;

function summarize(r: InferenceResult): string {
  // What was read says more than how many lines (text-reading).
  const read = r.texts?.flatMap((t) => (t.text ? [`"${t.text.length > 40 ? `${t.text.slice(0, 39)}…` : t.text}"`] : [])) ?? [];
  if (read.length > 0) return `${read.slice(0, 3).join(", ")}${read.length > 3 ? ` and ${read.length - 3} more` : ""}`;
  if (r.counts && Object.keys(r.counts).length > 0) return Object.entries(r.counts).map(([k, v]) => `${k}: ${v}`).join(", ");
  if (r.detections) {
    const byLabel = new Map<string, number>();
    for (const d of r.detections) byLabel.set(d.label, (byLabel.get(d.label) ?? 0) + 1);
    return byLabel.size === 0 ? "nothing detected" : [...byLabel].map(([k, v]) => `${v}× ${k}`).join(", ");
  }
  if (r.labels?.length) return r.labels.slice(0, 3).map((l) => `${l.label} ${(l.score * 100).toFixed(0)}%`).join(", ");
  if (r.poses) return `${r.poses.length} pose${r.poses.length === 1 ? "" : "s"}`;
  if (r.texts) return `${r.texts.length} text region${r.texts.length === 1 ? "" : "s"}`;
  return "result";
}

/** The device's `infer` messages as they arrive, newest first; invalid ones are shown as such, not hidden. */
export function ResultFeed({ deviceId }: { deviceId: string }) {
  const [items, setItems] = useState<Array<{ key: string; result: InferenceResult | null; raw: string; error?: string }>>([]);
  const [open, setOpen] = useState<string | null>(null);
  const [gaps, setGaps] = useState(0);
  const [lastSeq, setLastSeq] = useState<number | null>(null);
  const seqRef = useRef<{ deploymentId: string | undefined; seq: number } | null>(null);

  useMqttSubscription(topics.infer(deviceId), ({ payload }) => {
    const raw = new TextDecoder().decode(payload);
    const decoded = decodeInferenceResult(raw);
    const entry: { key: string; result: InferenceResult | null; raw: string; error?: string } = decoded.ok
      ? { key: `${decoded.value.deploymentId ?? ""}-${decoded.value.seq}-${decoded.value.ts}`, result: decoded.value, raw }
      : { key: `bad-${Date.now()}-${Math.random()}`, result: null, raw, error: decoded.error.message };
    if (entry.result) {
      const { seq, deploymentId } = entry.result;
      const prev = seqRef.current;
      // docs/design.md: seq rises by one per result of a deployment, so a jump is a lost result.
      if (prev && prev.deploymentId === deploymentId && seq > prev.seq + 1) setGaps((g) => g + (seq - prev.seq - 1));
      seqRef.current = { deploymentId, seq };
      setLastSeq(seq);
    }
    setItems((prev) => [entry, ...prev].slice(0, KEEP));
  });

  return (
    <div data-testid="result-feed" data-count={items.length}>
      <div className="mb-2 flex items-center justify-between text-xs text-slate-500">
        <span>{items.length === 0 ? "Waiting for results…" : `latest ${items.length}, seq ${lastSeq ?? "—"}`}</span>
        {gaps > 0 ? <span className="text-amber-700">{gaps} lost (seq gaps)</span> : null}
      </div>
      <ul className={items.length === 0 ? "hidden" : "max-h-80 divide-y divide-slate-100 overflow-y-auto rounded-md border border-slate-200"}>
        {items.map((it) => (
          <li key={it.key} className="text-sm">
            <button type="button" className="flex w-full items-center justify-between gap-3 px-3 py-1.5 text-left hover:bg-slate-50" onClick={() => setOpen(open === it.key ? null : it.key)}>
              {it.result ? (
                <>
                  <span className="font-mono text-xs text-slate-400">#{it.result.seq}</span>
                  <span className="min-w-0 flex-1 truncate text-slate-700">{summarize(it.result)}</span>
                  <span className="shrink-0 text-xs tabular-nums text-slate-400">{it.result.latencyMs.total.toFixed(0)} ms</span>
                </>
              ) : (
                <span className="text-rose-600">invalid result: {it.error}</span>
              )}
            </button>
            {open === it.key ? <pre className="max-h-60 overflow-auto bg-slate-50 px-3 py-2 font-mono text-xs text-slate-600">{JSON.stringify(safeJson(it.raw), null, 2)}</pre> : null}
          </li>
        ))}
      </ul>
    </div>
  );
}

function safeJson(raw: string): unknown {
  try {
    return JSON.parse(raw);
  } catch {
    return raw;
  }
}
