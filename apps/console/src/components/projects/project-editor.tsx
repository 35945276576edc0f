"use client";

import dynamic from "next/dynamic";
import { useRouter } from "next/navigation";
import { useEffect, useState, useTransition } from "react";
import type { ActionResult } from "../ui/action-result";
import { Alert } from "../ui/alert";
import { buttonClasses } from "../ui/button";
import { Card } from "../ui/card";
import { ConfigFields, type ProjectConfigValue } from "./config-fields";
import type { CompileMark } from "./error-line";
import { ModelSlots, type ModelOption } from "./model-slots";
import { editableZones, ZoneEditor, type EditorZone, type ZoneSnapshot } from "./zone-editor";

// CodeMirror touches the DOM while it starts: render it in the browser only.
const FunctionEditor = dynamic(() => import("./function-editor"), {
  ssr: false,
  loading: () => <div className="h-80 animate-pulse rounded-md bg-slate-100" />,
});

export type EditableVersion = { version: number; functionSource: string; config: ProjectConfigValue; models: Record<string, string> };
export type SaveInput = { functionSource: string; config: ProjectConfigValue; models: Record<string, string> };
export type SaveFn = (projectId: string, input: SaveInput) => Promise<ActionResult<{ version: number }>>;

function markOf(r: Extract<ActionResult<unknown>, { ok: false }>): CompileMark {
  if (r.code !== "COMPILE_FAILED") return null;
  const line = Number(r.context?.line ?? 1);
  const column = Number(r.context?.column ?? 1);
  const errors = r.context?.errors as Array<{ text?: string; message?: string }> | undefined;
  const message = errors?.[0]?.text ?? errors?.[0]?.message ?? r.error;
  return { line: Number.isFinite(line) ? line : 1, column: Number.isFinite(column) ? column : 1, message };
}

// The page keys the editor by version, so the refresh after a save mounts a new one: the saved
// message is handed over here, or it would vanish as soon as the refresh lands.
const savedMessages = new Map<string, string>();

/** Models, config and the function of one project; saving compiles and makes a new version. */
export function ProjectEditor({
  projectId,
  base,
  modelOptions,
  readOnly,
  save,
  snapshot,
}: {
  projectId: string;
  base: EditableVersion | null;
  modelOptions: ModelOption[];
  readOnly: boolean;
  save: SaveFn;
  snapshot: ZoneSnapshot | null;
}) {
  const router = useRouter();
  const [source, setSource] = useState(base?.functionSource ?? "");
  const [config, setConfig] = useState<ProjectConfigValue>(base?.config ?? {});
  const [models, setModels] = useState<Record<string, string>>(base?.models ?? {});
  const [mark, setMark] = useState<CompileMark>(null);
  const [result, setResult] = useState<{ ok: boolean; text: string } | null>(() => {
    const saved = savedMessages.get(projectId);
    return saved ? { ok: true, text: saved } : null;
  });
  // Taken once shown (an effect, not the initializer: React may run that twice).
  useEffect(() => {
    savedMessages.delete(projectId);
  }, [projectId]);
  const [pending, start] = useTransition();
  const setZones = (zones: EditorZone[]) => {
    const { zones: _old, ...rest } = config;
    setConfig(zones.length === 0 && !("zones" in config) ? rest : { ...rest, zones });
  };
  const dirty = base === null || source !== base.functionSource || JSON.stringify(config) !== JSON.stringify(base.config) || JSON.stringify(models) !== JSON.stringify(base.models);

  const onSave = () =>
    start(async () => {
      setResult(null);
      const r = await save(projectId, { functionSource: source, config, models });
      if (r.ok) {
        setMark(null);
        const text = `Saved as version ${r.data.version}.`;
        setResult({ ok: true, text });
        savedMessages.set(projectId, text);
        router.refresh();
      } else {
        setMark(markOf(r));
        setResult({ ok: false, text: r.code === "COMPILE_FAILED" ? "The function does not compile; nothing was saved." : r.error });
      }
    });

  return (
    <div className="grid gap-4 xl:grid-cols-3 [&>*]:min-w-0">
      <Card
        title="Inference function"
        className="xl:col-span-2"
        actions={
          readOnly ? (
            <span className="text-xs text-slate-500">read-only</span>
          ) : (
            <>
              {dirty ? <span className="text-xs text-amber-700">unsaved changes</span> : null}
              <button type="button" className={buttonClasses("primary")} onClick={onSave} disabled={pending} data-testid="project-save">
                {pending ? "Compiling…" : "Save new version"}
              </button>
            </>
          )
        }
      >
        {result ? (
          <Alert tone={result.ok ? "success" : "error"} className="mb-3">
            <span data-testid="save-result">{result.text}</span>
          </Alert>
        ) : null}
        <FunctionEditor
          value={source}
          onChange={(v) => {
            setSource(v);
            if (mark) setMark(null);
          }}
          readOnly={readOnly}
          mark={mark}
        />
      </Card>
      <div className="space-y-4">
        <Card title="Models">
          <ModelSlots slots={models} options={modelOptions} onChange={setModels} readOnly={readOnly} />
        </Card>
        <Card title="Config">
          <ConfigFields config={config} onChange={setConfig} readOnly={readOnly} />
        </Card>
      </div>
      <Card title="Zones" className="xl:col-span-3">
        <ZoneEditor zones={editableZones(config.zones)} onChange={setZones} snapshot={snapshot} readOnly={readOnly} />
      </Card>
    </div>
  );
}
