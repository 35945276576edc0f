import { joinClasses } from "./class-names";

export type BadgeTone = "green" | "red" | "amber" | "sky" | "slate" | "violet";

const toneClasses: Record<BadgeTone, { pill: string; dot: string }> = {
  green: { pill: "bg-emerald-50 text-emerald-700 ring-emerald-600/20", dot: "bg-emerald-500" },
  red: { pill: "bg-rose-50 text-rose-700 ring-rose-600/20", dot: "bg-rose-500" },
  amber: { pill: "bg-amber-50 text-amber-800 ring-amber-600/20", dot: "bg-amber-500" },
  sky: { pill: "bg-sky-50 text-sky-700 ring-sky-600/20", dot: "bg-sky-500" },
  slate: { pill: "bg-slate-100 text-slate-600 ring-slate-500/20", dot: "bg-slate-400" },
  violet: { pill: "bg-violet-50 text-violet-700 ring-violet-600/20", dot: "bg-violet-500" },
};

/** Every status word the console shows, mapped once so the same word always has the same colour. */
const statusTones: Record<string, BadgeTone> = {
  online: "green",
  offline: "slate",
  registered: "green",
  "awaiting-credentials": "amber",
  queued: "slate",
  downloading: "sky",
  verifying: "sky",
  loading: "sky",
  running: "green",
  degraded: "amber",
  failed: "red",
  "rolled-back": "amber",
  removed: "slate",
  idle: "slate",
  enabled: "green",
  disabled: "slate",
  admin: "violet",
  viewer: "slate",
  revoked: "red",
  active: "green",
  onnx: "sky",
  tfjs: "violet",
};

export function statusTone(status: string): BadgeTone {
  return statusTones[status] ?? "slate";
}

const pulsing = new Set(["downloading", "verifying", "loading", "online"]);

export function StatusBadge({ status, label, tone, className }: { status: string; label?: string; tone?: BadgeTone; className?: string }) {
  const t = toneClasses[tone ?? statusTone(status)];
  return (
    <span
      data-status={status}
      className={joinClasses("inline-flex items-center gap-1.5 whitespace-nowrap rounded-full px-2 py-0.5 text-xs font-medium ring-1 ring-inset", t.pill, className)}
    >
      <span className={joinClasses("h-1.5 w-1.5 rounded-full", t.dot, pulsing.has(status) && "animate-pulse")} aria-hidden="true" />
      {label ?? status.replace(/-/g, " ")}
    </span>
  );
}
