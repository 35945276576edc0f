import { writeFileSync } from "node:fs";

/** A figure of the root benchmark report (scripts/bench): what was measured and what it is compared against. */
export interface Figure {
  name: string;
  value: number;
  unit: string;
  comparedTo: { name: string; value: number; unit: string } | null;
  /** The goal, on the value or on value / comparedTo.value. */
  target?: { on: "value" | "ratio"; min?: number; max?: number };
}

/** Writes `{bench, figures, details}` for `pnpm bench` to merge; nothing when no `--json` was given. */
export function writeFragment(path: string | null, bench: string, figures: Figure[], details: unknown): void {
  if (path) writeFileSync(path, `${JSON.stringify({ bench, figures, details }, null, 2)}\n`);
}
