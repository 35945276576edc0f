"use client";

import { useEffect, useState } from "react";

const units: Array<[Intl.RelativeTimeFormatUnit, number]> = [
  ["day", 86_400_000],
  ["hour", 3_600_000],
  ["minute", 60_000],
  ["second", 1000],
];

export function formatRelative(ts: number, now: number): string {
  const diff = ts - now;
  const fmt = new Intl.RelativeTimeFormat("en", { numeric: "auto" });
  for (const [unit, ms] of units) {
    if (Math.abs(diff) >= ms || unit === "second") return fmt.format(Math.round(diff / ms), unit);
  }
  return "";
}

/** "12 seconds ago", kept fresh; the absolute time is in the tooltip. */
export function RelativeTime({ ts, fallback = "never" }: { ts: number | null | undefined; fallback?: string }) {
  const [now, setNow] = useState<number | null>(null);
  useEffect(() => {
    setNow(Date.now());
    const timer = setInterval(() => setNow(Date.now()), 5000);
    return () => clearInterval(timer);
  }, []);
  if (ts == null) return <span className="text-slate-400">{fallback}</span>;
  const iso = new Date(ts).toISOString();
  // Why: the server and the browser disagree on "now"; render the ISO time until hydrated.
  return (
    <time dateTime={iso} title={iso} suppressHydrationWarning>
      {now === null ? iso.replace("T", " ").slice(0, 19) : formatRelative(ts, now)}
    </time>
  );
}
