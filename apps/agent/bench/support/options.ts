import { parseArgs } from "node:util";

type Default = number | readonly number[];
type Parsed<D> = { [K in keyof D]: D[K] extends number ? number : number[] };

/**
 * A benchmark's command line: `--<name> N` (positive number) or `--<name> 1,2` (list) for each
 * default given, and `--json <file>` where the root `pnpm bench` wants the fragment. Flags, not
 * environment variables: the runner passes them per bench and the command line shows them.
 */
export function readBenchOptions<D extends Record<string, Default>>(defaults: D): { json: string | null; values: Parsed<D> } {
  const options = Object.fromEntries(Object.keys(defaults).map((k) => [k, { type: "string" as const }]));
  const { values } = parseArgs({ options: { ...options, json: { type: "string" } }, allowPositionals: false }) as { values: Record<string, string | undefined> };
  const parsed: Record<string, number | number[]> = {};
  for (const [key, def] of Object.entries(defaults)) {
    const raw = values[key];
    const list = (typeof raw === "string" ? raw.split(",") : typeof def === "number" ? [String(def)] : def.map(String)).map(Number);
    if (list.length === 0 || list.some((v) => !Number.isFinite(v) || v <= 0)) throw new Error(`--${key} must be a positive number${typeof def === "number" ? "" : " or a comma-separated list of them"}, got "${String(raw)}"`);
    parsed[key] = typeof def === "number" ? list[0]! : list;
  }
  return { json: values.json ?? null, values: parsed as Parsed<D> };
}
