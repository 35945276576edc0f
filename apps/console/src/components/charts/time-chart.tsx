"use client";

import { useEffect, useRef, useState, type RefObject } from "react";
import { formatClock, formatTick, linearScale, niceTicks } from "./scale";

export type ChartPoint = { t: number; v: number };
export type ChartSeries = { name: string; color: string; points: ChartPoint[] };

const DEFAULT_WIDTH = 600;
const PAD = { top: 10, right: 12, bottom: 22, left: 40 };

/** Width of the element, followed with a ResizeObserver so text stays the same size on a phone and a laptop. */
function useWidth(): [RefObject<HTMLDivElement | null>, number] {
  const ref = useRef<HTMLDivElement>(null);
  const [width, setWidth] = useState(DEFAULT_WIDTH);
  useEffect(() => {
    const el = ref.current;
    if (!el) return;
    const observer = new ResizeObserver(([entry]) => {
      if (entry) setWidth(Math.max(160, Math.round(entry.contentRect.width)));
    });
    observer.observe(el);
    return () => observer.disconnect();
  }, []);
  return [ref, width];
}

/** A time-series chart as plain SVG: lines (or bars for one series with `bars`), y grid and time labels. */
export function TimeChart({
  series,
  height = 160,
  bars = false,
  yMin,
  unit,
  label,
  from,
  to,
}: {
  series: ChartSeries[];
  height?: number;
  bars?: boolean;
  yMin?: number;
  unit?: string;
  label: string;
  from?: number;
  to?: number;
}) {
  const [ref, W] = useWidth();
  const all = series.flatMap((s) => s.points);
  if (all.length === 0) {
    return (
      <div ref={ref} className="flex w-full min-w-0 items-center justify-center rounded-md bg-slate-50 text-xs text-slate-400" style={{ height }} role="img" aria-label={`${label}: no data yet`}>
        No data yet
      </div>
    );
  }
  const t0 = from ?? Math.min(...all.map((p) => p.t));
  const t1 = to ?? Math.max(...all.map((p) => p.t));
  const vMax = Math.max(...all.map((p) => p.v));
  const vMin = yMin ?? Math.min(0, ...all.map((p) => p.v));
  const ticks = niceTicks(vMin, vMax === vMin ? vMin + 1 : vMax);
  const top = ticks.at(-1) ?? vMax;
  const x = linearScale([t0, t1 === t0 ? t0 + 1 : t1], [PAD.left, W - PAD.right]);
  const y = linearScale([vMin, top], [height - PAD.bottom, PAD.top]);
  // One label for a single instant; seconds once the span is short enough for minutes to repeat.
  const timeTicks = t1 === t0 ? [t0] : [t0, t0 + (t1 - t0) / 2, t1];
  const withSeconds = t1 - t0 < 10 * 60_000;
  const barWidth = bars ? Math.max(2, ((W - PAD.left - PAD.right) / Math.max(1, series[0]?.points.length ?? 1)) * 0.7) : 0;

  return (
    <div className="w-full min-w-0 overflow-hidden" ref={ref}>
      <svg width={W} height={height} viewBox={`0 0 ${W} ${height}`} className="block max-w-full" role="img" aria-label={label}>
        {ticks.map((tv) => (
          <g key={tv}>
            <line x1={PAD.left} x2={W - PAD.right} y1={y(tv)} y2={y(tv)} stroke="#e2e8f0" strokeWidth={1} />
            <text x={PAD.left - 6} y={y(tv) + 3} textAnchor="end" fontSize={10} fill="#64748b">
              {formatTick(tv)}
            </text>
          </g>
        ))}
        {timeTicks.map((tt, i) => (
          <text key={i} x={x(tt)} y={height - 6} textAnchor={i === 0 ? "start" : i === 2 ? "end" : "middle"} fontSize={10} fill="#64748b">
            {formatClock(tt, withSeconds)}
          </text>
        ))}
        {bars
          ? series.flatMap((s) =>
              s.points.map((p) => (
                <rect key={`${s.name}-${p.t}`} x={x(p.t) - barWidth / 2} y={y(p.v)} width={barWidth} height={Math.max(0, y(vMin) - y(p.v))} fill={s.color} rx={1}>
                  <title>{`${formatClock(p.t, withSeconds)}: ${formatTick(p.v)}${unit ? ` ${unit}` : ""}`}</title>
                </rect>
              )),
            )
          : series.map((s) => (
              <polyline
                key={s.name}
                fill="none"
                stroke={s.color}
                strokeWidth={1.75}
                strokeLinejoin="round"
                points={s.points.map((p) => `${x(p.t).toFixed(1)},${y(p.v).toFixed(1)}`).join(" ")}
              />
            ))}
      </svg>
      {series.length > 1 || unit ? (
        <div className="mt-1 flex flex-wrap gap-3 text-xs text-slate-500">
          {series.map((s) => (
            <span key={s.name} className="inline-flex items-center gap-1">
              <span className="h-2 w-2 rounded-sm" style={{ background: s.color }} />
              {s.name}
            </span>
          ))}
          {unit ? <span className="ml-auto">{unit}</span> : null}
        </div>
      ) : null}
    </div>
  );
}
