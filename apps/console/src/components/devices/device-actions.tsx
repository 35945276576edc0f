"use client";

import { useRouter } from "next/navigation";
import { useRef, useState } from "react";
import type { ActionResult } from "../ui/action-result";
import { Alert } from "../ui/alert";
import { buttonClasses } from "../ui/button";
import { ConfirmButton } from "../ui/confirm-button";
import { Field, Select } from "../ui/form-field";

export type DeployableProject = { id: string; name: string; latestVersion: number };

type Actions = {
  deploy: (deviceId: string, projectId: string, version: number | null) => Promise<ActionResult<{ deploymentId: string }>>;
  remove: (deviceId: string) => Promise<ActionResult<null>>;
  restart: (deviceId: string) => Promise<ActionResult<null>>;
  deregister: (deviceId: string) => Promise<ActionResult<{ warning: string | null }>>;
};

const asError = (r: ActionResult<unknown>) => (r.ok ? undefined : { error: r.error });

function DeployDialog({ deviceId, projects, deploy }: { deviceId: string; projects: DeployableProject[]; deploy: Actions["deploy"] }) {
  const dialog = useRef<HTMLDialogElement>(null);
  const router = useRouter();
  const [projectId, setProjectId] = useState(projects[0]?.id ?? "");
  const [error, setError] = useState<string | null>(null);
  const [pending, setPending] = useState(false);
  const deployable = projects.filter((p) => p.latestVersion > 0);

  return (
    <>
      <button type="button" className={buttonClasses("primary")} onClick={() => dialog.current?.showModal()} data-testid="device-deploy">
        Deploy project
      </button>
      <dialog ref={dialog} className="m-auto w-[min(28rem,calc(100vw-2rem))] rounded-lg p-0 shadow-xl backdrop:bg-slate-900/40">
        <form
          className="space-y-4 p-5"
          onSubmit={async (e) => {
            e.preventDefault();
            setPending(true);
            setError(null);
            const r = await deploy(deviceId, projectId, null);
            setPending(false);
            if (!r.ok) return setError(r.error);
            dialog.current?.close();
            router.push(`/deployments/${r.data.deploymentId}`);
          }}
        >
          <h2 className="text-base font-semibold">Deploy to {deviceId}</h2>
          {deployable.length === 0 ? (
            <Alert tone="info">No project has a saved version yet. Create a project first.</Alert>
          ) : (
            <Field label="Project (latest version)" htmlFor="deploy-project">
              <Select id="deploy-project" value={projectId} onChange={(e) => setProjectId(e.target.value)}>
                {deployable.map((p) => (
                  <option key={p.id} value={p.id}>
                    {p.name} — v{p.latestVersion}
                  </option>
                ))}
              </Select>
            </Field>
          )}
          {error ? <Alert tone="error">{error}</Alert> : null}
          <div className="flex justify-end gap-2">
            <button type="button" className={buttonClasses("secondary")} onClick={() => dialog.current?.close()}>
              Cancel
            </button>
            <button type="submit" className={buttonClasses("primary")} disabled={pending || deployable.length === 0}>
              {pending ? "Deploying…" : "Deploy"}
            </button>
          </div>
        </form>
      </dialog>
    </>
  );
}

/** The admin's buttons on a device page; viewers never get this component. */
export function DeviceActions({ deviceId, projects, runningProject, actions }: { deviceId: string; projects: DeployableProject[]; runningProject: string | null; actions: Actions }) {
  const router = useRouter();
  const [notice, setNotice] = useState<string | null>(null);
  return (
    <div className="flex flex-wrap items-center gap-2">
      <DeployDialog deviceId={deviceId} projects={projects} deploy={actions.deploy} />
      {runningProject ? (
        <>
          <ConfirmButton
            label="Restart projects"
            variant="secondary"
            title={`Restart ${runningProject}?`}
            body="The worker of each project restarts on the device; results pause for a moment."
            confirmLabel="Restart"
            testId="device-restart"
            onConfirm={async () => {
              const r = await actions.restart(deviceId);
              if (r.ok) setNotice("Restart sent.");
              return asError(r);
            }}
          />
          <ConfirmButton
            label="Remove all projects"
            title={`Remove ${runningProject} from ${deviceId}?`}
            body="The device stops every project it runs (an empty project list)."
            confirmLabel="Remove"
            testId="device-remove"
            onConfirm={async () => {
              const r = await actions.remove(deviceId);
              if (r.ok) router.refresh();
              return asError(r);
            }}
          />
        </>
      ) : null}
      <ConfirmButton
        label="Deregister"
        title={`Deregister ${deviceId}?`}
        body="Its credentials stop working at once and its deployment history is deleted. The device must be registered again to come back."
        confirmLabel="Deregister"
        variant="danger"
        testId="device-deregister"
        onConfirm={async () => {
          const r = await actions.deregister(deviceId);
          if (!r.ok) return asError(r);
          router.push("/devices");
          router.refresh();
        }}
      />
      {notice ? <span className="text-xs text-emerald-700">{notice}</span> : null}
    </div>
  );
}
