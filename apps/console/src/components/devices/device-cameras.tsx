"use client";

import { useRouter } from "next/navigation";
import { useState, type FormEvent } from "react";
import { decodeReportedState, type ReportedCamera } from "@edgelens/shared/schemas";
import { topics } from "@edgelens/shared/topics";
import { useMqttSubscription } from "../mqtt/mqtt-provider";
import type { ActionResult } from "../ui/action-result";
import { Button } from "../ui/button";
import { ConfirmButton } from "../ui/confirm-button";
import { TextInput } from "../ui/form-field";
import { StatusBadge } from "../ui/status-badge";

export type StoredCamera = { name: string; uri: string };

type CameraActions = {
  add: (deviceId: string, name: string, uri: string) => Promise<ActionResult<null>>;
  remove: (deviceId: string, name: string) => Promise<ActionResult<null>>;
};

const TONE = { running: "green", failing: "red", starting: "amber" } as const;

function CameraRow({ deviceId, camera, live, remove }: { deviceId: string; camera: StoredCamera; live: ReportedCamera | undefined; remove: CameraActions["remove"] | null }) {
  const router = useRouter();
  const state = live?.state ?? "not reported";
  return (
    <li className="space-y-1 rounded-md border border-slate-200 p-2" data-testid={`device-camera-${camera.name}`} data-state={state}>
      <div className="flex items-center justify-between gap-2">
        <span className="font-medium">{camera.name}</span>
        <StatusBadge status={state} tone={live ? TONE[live.state] : "slate"} />
      </div>
      <p className="truncate font-mono text-xs text-slate-500">{camera.uri}</p>
      {live ? (
        <p className="text-xs tabular-nums text-slate-500" data-testid={`device-camera-${camera.name}-figures`}>
          {live.fps.toFixed(1)} fps{live.width && live.height ? ` · ${live.width}×${live.height}` : ""} · {live.restarts} restart(s) · read by {live.readers.length > 0 ? live.readers.join(", ") : "no project"}
        </p>
      ) : null}
      {live?.state === "failing" && live.lastError ? <p className="rounded bg-rose-50 px-2 py-1 text-xs text-rose-700">{live.lastError.message}</p> : null}
      {remove ? (
        <ConfirmButton
          label="Remove"
          variant="secondary"
          title={`Remove camera ${camera.name} from ${deviceId}?`}
          body="Projects reading it get no more frames; the other cameras run on."
          confirmLabel="Remove"
          testId={`device-camera-remove-${camera.name}`}
          onConfirm={async () => {
            const r = await remove(deviceId, camera.name);
            if (!r.ok) return { error: r.error };
            router.refresh();
          }}
        />
      ) : null}
    </li>
  );
}

function AddCamera({ deviceId, add }: { deviceId: string; add: CameraActions["add"] }) {
  const router = useRouter();
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const submit = async (e: FormEvent<HTMLFormElement>) => {
    e.preventDefault();
    const form = e.currentTarget;
    const data = new FormData(form);
    setBusy(true);
    const r = await add(deviceId, String(data.get("name") ?? ""), String(data.get("uri") ?? ""));
    setBusy(false);
    if (!r.ok) return setError(`${r.code}: ${r.error}`);
    setError(null);
    form.reset();
    router.refresh();
  };
  return (
    <form onSubmit={(e) => void submit(e)} className="mt-3 space-y-2" data-testid="device-camera-add">
      <div className="grid grid-cols-3 gap-2">
        <TextInput name="name" placeholder="name (door)" aria-label="Camera name" required />
        <TextInput name="uri" placeholder="rtsp://… or /dev/video0" aria-label="Camera URI" className="col-span-2" required />
      </div>
      {error ? (
        <p className="text-xs text-rose-600" role="alert">
          {error}
        </p>
      ) : null}
      <Button type="submit" variant="secondary" disabled={busy}>
        Add camera
      </Button>
    </form>
  );
}

/**
 * The device's named cameras (the console's list) with, from its retained `shadow/reported`,
 * each decoder's state, fps, resolution, restarts and readers. Admins add and remove them.
 */
export function DeviceCameras({ deviceId, cameras, actions }: { deviceId: string; cameras: StoredCamera[]; actions: CameraActions | null }) {
  const [live, setLive] = useState<Map<string, ReportedCamera>>(new Map());
  useMqttSubscription(topics.shadowReported(deviceId), ({ payload }) => {
    const decoded = decodeReportedState(payload);
    if (!decoded.ok) return;
    setLive(new Map((decoded.value.cameras ?? []).map((c) => [c.name, c])));
  });
  return (
    <div className="text-sm" data-testid="device-cameras" data-count={cameras.length}>
      {cameras.length === 0 ? (
        <p className="text-slate-500">No cameras. A project reads one with source camera://&lt;name&gt;.</p>
      ) : (
        <ul className="space-y-2">
          {cameras.map((c) => (
            <CameraRow key={c.name} deviceId={deviceId} camera={c} live={live.get(c.name)} remove={actions?.remove ?? null} />
          ))}
        </ul>
      )}
      {actions ? <AddCamera deviceId={deviceId} add={actions.add} /> : null}
    </div>
  );
}
