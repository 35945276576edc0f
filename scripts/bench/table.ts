/** The short table of `pnpm bench`: figure | value | compared to | ratio | target / met. */
import type { BenchEntry, ReportFigure } from "./report";

/** About three significant digits, never fewer than two (small ratios and sub-millisecond times). */
function fmt(v: number): string {
  const a = Math.abs(v);
  return a >= 100 ? v.toFixed(0) : a >= 10 ? v.toFixed(1) : a >= 1 ? v.toFixed(2) : v.toPrecision(2);
}

function targetCell(f: ReportFigure): string {
  if (!f.target) return "";
  const bound = [f.target.min !== undefined ? `>= ${f.target.min}` : null, f.target.max !== undefined ? `<= ${f.target.max}` : null].filter(Boolean).join(", ");
  const what = f.target.on === "ratio" ? `ratio ${bound}` : `${bound} ${f.unit}`;
  return `${what}: ${f.met === undefined ? "n/a" : f.met ? "met" : "NOT met"}`;
}

export function renderTable(benches: BenchEntry[]): string {
  const rows: string[][] = [["figure", "value", "compared to", "ratio", "target / met"]];
  for (const b of benches) {
    if (b.status !== "ok") {
      rows.push([`${b.name}: ${b.status.toUpperCase()}`, "", b.error?.message ?? "", "", ""]);
      continue;
    }
    for (const f of b.figures) {
      rows.push([
        `${b.name}: ${f.name}`,
        `${fmt(f.value)} ${f.unit}`,
        f.comparedTo ? `${fmt(f.comparedTo.value)} ${f.comparedTo.unit} (${f.comparedTo.name})` : "nothing",
        f.ratio === undefined ? "" : `x${fmt(f.ratio)}`,
        targetCell(f),
      ]);
    }
  }
  const widths = rows[0]!.map((_, i) => Math.max(...rows.map((r) => r[i]!.length)));
  const line = (r: string[]) => `| ${r.map((c, i) => c.padEnd(widths[i]!)).join(" | ")} |`;
  return [line(rows[0]!), `|${widths.map((w) => "-".repeat(w + 2)).join("|")}|`, ...rows.slice(1).map(line)].join("\n");
}
