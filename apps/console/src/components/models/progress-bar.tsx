export function ProgressBar({ pct, label, tone = "sky" }: { pct: number; label: string; tone?: "sky" | "violet" }) {
  const clamped = Math.max(0, Math.min(100, pct));
  return (
    <div>
      <div className="mb-1 flex justify-between text-xs text-slate-600">
        <span>{label}</span>
        <span className="tabular-nums">{Math.round(clamped)}%</span>
      </div>
      <div className="h-2 overflow-hidden rounded-full bg-slate-100" role="progressbar" aria-label={label} aria-valuenow={Math.round(clamped)} aria-valuemin={0} aria-valuemax={100}>
        <div className={`h-full rounded-full transition-[width] duration-200 ${tone === "sky" ? "bg-sky-500" : "bg-violet-500"}`} style={{ width: `${clamped}%` }} />
      </div>
    </div>
  );
}
