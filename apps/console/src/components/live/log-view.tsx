"use client";

import { useState } from "react";
import { topics } from "@edgelens/shared/topics";
import { decodeLogLine, type LogLine } from "@edgelens/shared/schemas";
import { useMqttSubscription } from "../mqtt/mqtt-provider";
import { joinClasses } from "../ui/class-names";

const KEEP = 300;
const levelClass: Record<LogLine["level"], string> = { debug: "text-slate-400", info: "text-sky-300", warn: "text-amber-300", error: "text-rose-400" };

/** The device's `logs` lines since this page opened (logs are not stored: QoS 0, not retained). */
export function LogView({ deviceId }: { deviceId: string }) {
  const [lines, setLines] = useState<Array<LogLine & { n: number }>>([]);
  useMqttSubscription(topics.logs(deviceId), ({ payload }) => {
    const decoded = decodeLogLine(payload);
    const line: LogLine = decoded.ok ? decoded.value : { level: "warn", msg: `unreadable log line: ${new TextDecoder().decode(payload).slice(0, 200)}`, ts: Date.now() };
    setLines((prev) => [...prev.slice(-(KEEP - 1)), { ...line, n: (prev.at(-1)?.n ?? 0) + 1 }]);
  });
  return (
    <div className="h-64 overflow-y-auto rounded-md bg-slate-950 p-3 font-mono text-xs leading-relaxed text-slate-200" data-testid="log-view" role="log" aria-live="off">
      {lines.length === 0 ? <div className="text-slate-500">No log lines since this page opened.</div> : null}
      {lines.map((l) => (
        <div key={l.n} className="whitespace-pre-wrap break-words">
          <span className="text-slate-500">{new Date(l.ts).toLocaleTimeString()} </span>
          <span className={joinClasses("uppercase", levelClass[l.level])}>{l.level.padEnd(5)} </span>
          {l.code ? <span className="text-violet-300">[{l.code}] </span> : null}
          {l.msg}
        </div>
      ))}
    </div>
  );
}
