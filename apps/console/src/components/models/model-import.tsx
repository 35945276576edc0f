"use client";

import { useRouter } from "next/navigation";
import { useState } from "react";
import { Alert } from "../ui/alert";
import { buttonClasses } from "../ui/button";
import { joinClasses } from "../ui/class-names";
import { Field, TextInput } from "../ui/form-field";
import { formatBytes } from "../ui/format-bytes";
import { ProgressBar } from "./progress-bar";
import { checkTfjsSelection } from "./tfjs-files";
import { fetchJson, xhrUpload, type ApiError } from "./xhr-upload";

type Format = "onnx" | "tfjs";
type Job = { id: string; state: "running" | "succeeded" | "failed"; progress: { phase: string; pct: number }; result: unknown; error: { code: string; message: string; context?: Record<string, unknown> } | null };
type Phase = { kind: "idle" } | { kind: "uploading"; pct: number } | { kind: "converting"; phase: string; pct: number } | { kind: "failed"; message: string; op?: string };

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

function describe(err: unknown): { message: string; op?: string } {
  const e = err as ApiError;
  const op = typeof e.context?.op === "string" ? e.context.op : undefined;
  return { message: e instanceof Error ? e.message : String(err), ...(op ? { op } : {}) };
}

async function uploadTfjs(name: string, files: File[], onProgress: (p: Phase) => void): Promise<Job> {
  const { uploadId } = (await fetchJson("/api/v1/uploads", { method: "POST", body: "{}" })) as { uploadId: string };
  const total = files.reduce((n, f) => n + f.size, 0) || 1;
  let done = 0;
  for (const file of files) {
    await xhrUpload("PUT", `/api/v1/uploads/${encodeURIComponent(uploadId)}/${encodeURIComponent(file.name)}`, file, (loaded) => onProgress({ kind: "uploading", pct: ((done + loaded) / total) * 100 }));
    done += file.size;
  }
  let { job } = (await fetchJson("/api/v1/models", { method: "POST", body: JSON.stringify({ name, uploadId, format: "tfjs" }) })) as { job: Job };
  while (job.state === "running") {
    onProgress({ kind: "converting", phase: job.progress.phase, pct: job.progress.pct });
    await sleep(500);
    ({ job } = (await fetchJson(`/api/v1/jobs/${encodeURIComponent(job.id)}`)) as { job: Job });
  }
  return job;
}

/** Import an ONNX file or a TF.js graph model (converted to ONNX on the console). */
export function ModelImport() {
  const router = useRouter();
  const [format, setFormat] = useState<Format>("onnx");
  const [name, setName] = useState("");
  const [files, setFiles] = useState<File[]>([]);
  const [phase, setPhase] = useState<Phase>({ kind: "idle" });
  const busy = phase.kind === "uploading" || phase.kind === "converting";

  async function submit() {
    if (!name.trim()) return setPhase({ kind: "failed", message: "Give the model a name." });
    if (files.length === 0) return setPhase({ kind: "failed", message: "Choose the file(s) to import." });
    try {
      if (format === "onnx") {
        const file = files[0]!;
        setPhase({ kind: "uploading", pct: 0 });
        const body = (await xhrUpload("POST", `/api/v1/models?name=${encodeURIComponent(name.trim())}`, file, (l, t) => setPhase({ kind: "uploading", pct: (l / t) * 100 }))) as { version: { modelId: string } };
        router.push(`/models/${body.version.modelId}`);
        router.refresh();
        return;
      }
      const check = await checkTfjsSelection(files);
      if (!check.ok) return setPhase({ kind: "failed", message: check.error });
      setPhase({ kind: "uploading", pct: 0 });
      const job = await uploadTfjs(name.trim(), files, setPhase);
      if (job.state === "failed" || !job.result) {
        const op = typeof job.error?.context?.op === "string" ? job.error.context.op : undefined;
        return setPhase({ kind: "failed", message: job.error?.message ?? "The conversion failed.", ...(op ? { op } : {}) });
      }
      const modelId = (job.result as { modelId?: string }).modelId;
      router.push(modelId ? `/models/${modelId}` : "/models");
      router.refresh();
    } catch (err) {
      setPhase({ kind: "failed", ...describe(err) });
    }
  }

  return (
    <form
      className="max-w-2xl space-y-5"
      data-testid="model-import"
      onSubmit={(e) => {
        e.preventDefault();
        void submit();
      }}
    >
      <fieldset>
        <legend className="mb-2 text-sm font-medium text-slate-700">Format</legend>
        <div className="grid gap-2 sm:grid-cols-2">
          {(
            [
              ["onnx", "ONNX model", "One .onnx file. Checked by opening an onnxruntime session."],
              ["tfjs", "TF.js graph model", "model.json and its .bin shards. Converted to ONNX here."],
            ] as const
          ).map(([value, title, hint]) => (
            <label key={value} className={joinClasses("cursor-pointer rounded-lg border p-3 text-sm", format === value ? "border-sky-500 bg-sky-50 ring-1 ring-sky-500" : "border-slate-200 bg-white hover:border-slate-300")}>
              <input
                type="radio"
                name="format"
                value={value}
                className="sr-only"
                checked={format === value}
                onChange={() => {
                  setFormat(value);
                  setFiles([]);
                  setPhase({ kind: "idle" });
                }}
              />
              <span className="font-medium text-slate-800">{title}</span>
              <span className="mt-0.5 block text-xs text-slate-500">{hint}</span>
            </label>
          ))}
        </div>
      </fieldset>
      <Field label="Name" htmlFor="model-name" hint="Projects refer to models by this name.">
        <TextInput id="model-name" value={name} onChange={(e) => setName(e.target.value)} required maxLength={128} disabled={busy} />
      </Field>
      <Field label={format === "onnx" ? "ONNX file" : "model.json and shards"} htmlFor="model-files">
        <input
          id="model-files"
          type="file"
          multiple={format === "tfjs"}
          accept={format === "onnx" ? ".onnx" : ".json,.bin"}
          disabled={busy}
          onChange={(e) => {
            setFiles(Array.from(e.target.files ?? []));
            setPhase({ kind: "idle" });
          }}
          className="block w-full text-sm text-slate-600 file:mr-3 file:rounded-md file:border-0 file:bg-slate-100 file:px-3 file:py-1.5 file:text-sm file:font-medium file:text-slate-700 hover:file:bg-slate-200"
        />
      </Field>
      {files.length > 0 ? (
        <ul className="rounded-md border border-slate-200 bg-white text-xs text-slate-600">
          {files.map((f) => (
            <li key={f.name} className="flex justify-between border-b border-slate-100 px-3 py-1 last:border-0">
              <span className="truncate font-mono">{f.name}</span>
              <span className="tabular-nums">{formatBytes(f.size)}</span>
            </li>
          ))}
        </ul>
      ) : null}
      {phase.kind === "uploading" ? <ProgressBar pct={phase.pct} label="Uploading" /> : null}
      {phase.kind === "converting" ? <ProgressBar pct={phase.pct} label={`Converting: ${phase.phase}`} tone="violet" /> : null}
      {phase.kind === "failed" ? (
        <Alert tone="error" title={phase.op ? `Unsupported op: ${phase.op}` : "Import failed"}>
          <span data-testid="import-error">{phase.message}</span>
        </Alert>
      ) : null}
      <button type="submit" className={buttonClasses("primary")} disabled={busy}>
        {busy ? "Importing…" : "Import model"}
      </button>
    </form>
  );
}
