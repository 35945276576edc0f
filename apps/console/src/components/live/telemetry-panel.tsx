"use client";

import { useState } from "react";
import { topics } from "@edgelens/shared/topics";
import { decodeTelemetry, type Telemetry } from "@edgelens/shared/schemas";
import { TimeChart } from "../charts/time-chart";
import { useMqttSubscription } from "../mqtt/mqtt-provider";

const KEEP = 180;

/** Telemetry charts built from the device's `telemetry` messages (the console keeps only the latest). */
export function TelemetryPanel({ deviceId, initial }: { deviceId: string; initial: Telemetry | null }) {
  const [history, setHistory] = useState<Telemetry[]>(initial ? [initial] : []);
  useMqttSubscription(topics.telemetry(deviceId), ({ payload }) => {
    const decoded = decodeTelemetry(payload);
    // A malformed telemetry message is the device's bug (the broker drops it anyway): the chart skips it.
    if (!decoded.ok) return;
    const t = decoded.value;
    setHistory((h) => [...h.filter((x) => x.ts < t.ts).slice(-(KEEP - 1)), t]);
  });
  const latest = history.at(-1);
  const series = (pick: (t: Telemetry) => number) => history.map((t) => ({ t: t.ts, v: pick(t) }));

  return (
    <div className="space-y-4" data-testid="telemetry">
      <dl className="grid grid-cols-2 gap-2 text-sm sm:grid-cols-4">
        {[
          ["FPS", latest ? latest.fps.toFixed(1) : "—"],
          ["Latency p50 / p95", latest ? `${latest.latencyMs.p50.toFixed(0)} / ${latest.latencyMs.p95.toFixed(0)} ms` : "—"],
          ["CPU", latest ? `${latest.cpu.toFixed(0)} %` : "—"],
          ["Memory", latest ? `${latest.rssMb.toFixed(0)} MB` : "—"],
          ["Dropped frames", latest ? String(latest.droppedFrames) : "—"],
          ["Spool depth", latest ? String(latest.spoolDepth) : "—"],
        ].map(([k, v]) => (
          <div key={k} className="rounded-md bg-slate-50 px-3 py-2">
            <dt className="text-xs text-slate-500">{k}</dt>
            <dd className="font-medium tabular-nums text-slate-800">{v}</dd>
          </div>
        ))}
      </dl>
      <div className="grid gap-4 md:grid-cols-2 [&>*]:min-w-0">
        <div>
          <h4 className="mb-1 text-xs font-medium text-slate-500">Frames per second</h4>
          <TimeChart label="Frames per second" height={120} series={[{ name: "fps", color: "#0284c7", points: series((t) => t.fps) }]} />
        </div>
        <div>
          <h4 className="mb-1 text-xs font-medium text-slate-500">Latency (ms)</h4>
          <TimeChart
            label="Latency"
            height={120}
            series={[
              { name: "p50", color: "#059669", points: series((t) => t.latencyMs.p50) },
              { name: "p95", color: "#d97706", points: series((t) => t.latencyMs.p95) },
            ]}
          />
        </div>
        <div>
          <h4 className="mb-1 text-xs font-medium text-slate-500">CPU (% of one core)</h4>
          <TimeChart label="CPU" height={120} series={[{ name: "cpu", color: "#7c3aed", points: series((t) => t.cpu) }]} />
        </div>
        <div>
          <h4 className="mb-1 text-xs font-medium text-slate-500">Memory (MB)</h4>
          <TimeChart label="Memory" height={120} series={[{ name: "rss", color: "#db2777", points: series((t) => t.rssMb) }]} />
        </div>
      </div>
    </div>
  );
}
