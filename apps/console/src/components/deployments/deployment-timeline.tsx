import { joinClasses } from "../ui/class-names";
import { RelativeTime } from "../ui/relative-time";
import { statusTone } from "../ui/status-badge";
import { reasonClasses } from "./deployment-state";

export type TimelineEvent = { id: number; state: string; pct: number | null; reason: string | null; ts: number };

const dotClass = { green: "bg-emerald-500", red: "bg-rose-500", amber: "bg-amber-500", sky: "bg-sky-500", slate: "bg-slate-400", violet: "bg-violet-500" } as const;
const STEPS = ["queued", "downloading", "verifying", "loading", "running"];

/**
 * The steps the agent reported, oldest first. Download progress arrives as many events; they
 * fold into one row with the latest percentage and a bar.
 */
export function DeploymentTimeline({ events, state, reason }: { events: TimelineEvent[]; state: string; reason: string | null }) {
  const folded: TimelineEvent[] = [];
  for (const e of events) {
    const last = folded.at(-1);
    if (last && last.state === e.state && e.state === "downloading") folded[folded.length - 1] = { ...e, ts: last.ts, pct: e.pct ?? last.pct };
    else folded.push(e);
  }
  const reached = new Set(folded.map((e) => e.state));
  const pending = STEPS.filter((s) => !reached.has(s) && !["degraded", "failed", "rolled-back", "removed"].includes(state) && STEPS.indexOf(s) > STEPS.indexOf(state));

  return (
    <ol className="relative space-y-4 border-l border-slate-200 pl-5" data-testid="deployment-timeline">
      {folded.map((e) => (
        <li key={e.id} className="relative" data-state={e.state}>
          <span className={joinClasses("absolute -left-[26px] top-1 h-3 w-3 rounded-full ring-4 ring-white", dotClass[statusTone(e.state)])} />
          <div className="flex flex-wrap items-baseline justify-between gap-2">
            <span className="text-sm font-medium capitalize text-slate-800">{e.state.replace("-", " ")}</span>
            <span className="text-xs text-slate-400">
              <RelativeTime ts={e.ts} />
            </span>
          </div>
          {e.state === "downloading" && e.pct != null ? (
            <div className="mt-1 flex items-center gap-2">
              <div className="h-1.5 flex-1 overflow-hidden rounded-full bg-slate-100">
                <div className="h-full rounded-full bg-sky-500 transition-all" style={{ width: `${Math.min(100, Math.max(0, e.pct))}%` }} />
              </div>
              <span className="text-xs tabular-nums text-slate-500">{Math.round(e.pct)}%</span>
            </div>
          ) : null}
          {e.reason ? <p className={joinClasses("mt-1 whitespace-pre-wrap rounded-md px-2 py-1 font-mono text-xs", reasonClasses(e.state).box)}>{e.reason}</p> : null}
        </li>
      ))}
      {pending.map((s) => (
        <li key={s} className="relative opacity-50">
          <span className="absolute -left-[26px] top-1 h-3 w-3 rounded-full border-2 border-slate-300 bg-white ring-4 ring-white" />
          <span className="text-sm capitalize text-slate-500">{s}</span>
        </li>
      ))}
      {folded.length === 0 && reason ? <li className={joinClasses("text-sm", reasonClasses(state).text)}>{reason}</li> : null}
    </ol>
  );
}
