/**
 * The report `pnpm bench` writes: machine facts, and per bench its figures (each with what it is
 * compared against, the ratio value / comparedTo.value, and its target when it has one) or why it
 * failed. Fragments come from another process, so they are validated here.
 */
import { execFileSync } from "node:child_process";
import { availableParallelism, cpus, loadavg, totalmem } from "node:os";
import { z } from "zod";

const ValueSchema = z.number().finite();

export const FigureSchema = z
  .object({
    name: z.string().min(1),
    value: ValueSchema,
    unit: z.string().min(1),
    comparedTo: z.object({ name: z.string().min(1), value: ValueSchema, unit: z.string().min(1) }).strict().nullable(),
    target: z
      .object({ on: z.enum(["value", "ratio"]), min: ValueSchema.optional(), max: ValueSchema.optional() })
      .strict()
      .refine((t) => t.min !== undefined || t.max !== undefined, "a target needs min or max")
      .optional(),
  })
  .strict();

export const FragmentSchema = z.object({ bench: z.string(), figures: z.array(FigureSchema).min(1), details: z.unknown() }).strict();

export type Figure = z.infer<typeof FigureSchema>;

export interface ReportFigure extends Figure {
  /** value / comparedTo.value, when both are in the same unit. */
  ratio?: number;
  met?: boolean;
}

export interface BenchEntry {
  name: string;
  about: string;
  command: string;
  status: "ok" | "failed" | "skipped";
  seconds: number;
  loadavg: { start: number[]; end: number[] };
  figures: ReportFigure[];
  details?: unknown;
  error?: { message: string; tail: string[] };
  /** Something off that did not fail the bench (processes left behind). */
  warning?: string;
}

export interface Machine {
  cpus: number;
  cpuModel: string;
  memoryGb: number;
  node: string;
  platform: string;
  date: string;
  git: { commit: string | null; dirty: boolean | null };
}

const round = (v: number, digits = 2): number => Math.round(v * 10 ** digits) / 10 ** digits;

export const loadNow = (): number[] => loadavg().map((v) => round(v));

function git(repoRoot: string, args: string[]): string | null {
  try {
    return execFileSync("git", args, { cwd: repoRoot, encoding: "utf8", stdio: ["ignore", "pipe", "ignore"] }).trim();
  } catch {
    return null; // Not a git checkout (an unpacked release): the report says null.
  }
}

export function describeMachine(repoRoot: string): Machine {
  const status = git(repoRoot, ["status", "--porcelain"]);
  return {
    cpus: availableParallelism(),
    cpuModel: cpus()[0]?.model ?? "unknown",
    memoryGb: round(totalmem() / 1024 ** 3, 1),
    node: process.version,
    platform: `${process.platform} ${process.arch}`,
    date: new Date().toISOString(),
    git: { commit: git(repoRoot, ["rev-parse", "HEAD"]), dirty: status === null ? null : status.length > 0 },
  };
}

/** Adds the ratio and whether the target is met. */
export function completeFigure(f: Figure): ReportFigure {
  const ratio = f.comparedTo && f.comparedTo.unit === f.unit && f.comparedTo.value !== 0 ? round(f.value / f.comparedTo.value, 3) : undefined;
  const out: ReportFigure = { ...f, ...(ratio === undefined ? {} : { ratio }) };
  if (f.target) {
    const x = f.target.on === "ratio" ? ratio : f.value;
    if (x !== undefined) out.met = (f.target.min === undefined || x >= f.target.min) && (f.target.max === undefined || x <= f.target.max);
  }
  return out;
}

/** Reads a fragment: its figures completed, or an error naming what is wrong with it. */
export function parseFragment(text: string, expectedBench: string): { figures: ReportFigure[]; details: unknown } {
  const parsed = FragmentSchema.safeParse(JSON.parse(text));
  if (!parsed.success) throw new Error(`bad fragment: ${parsed.error.issues.map((i) => `${i.path.join(".") || "(root)"}: ${i.message}`).join("; ")}`);
  if (parsed.data.bench !== expectedBench) throw new Error(`fragment of "${parsed.data.bench}", expected "${expectedBench}"`);
  return { figures: parsed.data.figures.map(completeFigure), details: parsed.data.details };
}
