"use client";

import { useRouter } from "next/navigation";
import { useState } from "react";
import { Alert } from "../ui/alert";
import { buttonClasses } from "../ui/button";
import { Field, TextInput } from "../ui/form-field";
import { ProgressBar } from "./progress-bar";
import { fetchJson, type ApiError } from "./xhr-upload";

type Job = { id: string; state: "running" | "succeeded" | "failed"; progress: { phase: string; pct: number }; result: unknown; error: { code: string; message: string } | null };
type Phase = { kind: "idle" } | { kind: "running"; phase: string; pct: number } | { kind: "failed"; message: string };

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** "Optimize": quantises the model to int8 as a console job and shows its progress. */
export function ModelOptimize({ modelId }: { modelId: string }) {
  const router = useRouter();
  const [calibration, setCalibration] = useState("");
  const [phase, setPhase] = useState<Phase>({ kind: "idle" });

  async function run() {
    setPhase({ kind: "running", phase: "starting", pct: 0 });
    try {
      const body = { int8: true, ...(calibration.trim() ? { calibration: calibration.trim() } : {}) };
      let { job } = (await fetchJson(`/api/v1/models/${encodeURIComponent(modelId)}/optimize`, { method: "POST", body: JSON.stringify(body) })) as { job: Job };
      while (job.state === "running") {
        setPhase({ kind: "running", phase: job.progress.phase, pct: job.progress.pct });
        await sleep(500);
        ({ job } = (await fetchJson(`/api/v1/jobs/${encodeURIComponent(job.id)}`)) as { job: Job });
      }
      if (job.state === "failed") return setPhase({ kind: "failed", message: job.error?.message ?? "The optimisation failed." });
      const version = (job.result as { version?: { version: number } }).version?.version;
      setPhase({ kind: "idle" });
      router.push(`/models/${encodeURIComponent(modelId)}${version ? `?version=${version}` : ""}`);
      router.refresh();
    } catch (err) {
      setPhase({ kind: "failed", message: err instanceof Error ? err.message : String((err as ApiError) ?? err) });
    }
  }

  const busy = phase.kind === "running";
  return (
    <form
      className="space-y-3"
      data-testid="model-optimize"
      onSubmit={(e) => {
        e.preventDefault();
        void run();
      }}
    >
      <Field label="Calibration photos" htmlFor="optimize-calibration" hint="A folder of images on the console host; int8 ranges are calibrated and accuracy measured on them.">
        <TextInput id="optimize-calibration" value={calibration} onChange={(e) => setCalibration(e.target.value)} disabled={busy} placeholder="/data/calibration" />
      </Field>
      {phase.kind === "running" ? <ProgressBar pct={phase.pct} label={`Optimizing: ${phase.phase}`} tone="violet" /> : null}
      {phase.kind === "failed" ? <Alert tone="error">{phase.message}</Alert> : null}
      <button type="submit" className={buttonClasses("secondary")} disabled={busy}>
        Optimize (int8)
      </button>
    </form>
  );
}
