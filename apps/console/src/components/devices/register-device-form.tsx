"use client";

import { useActionState, useEffect, useRef, useState } from "react";
import type { DeviceFile } from "@edgelens/shared";
import type { ActionFn } from "../ui/action-result";
import { Alert } from "../ui/alert";
import { buttonClasses } from "../ui/button";
import { Card } from "../ui/card";
import { Field, TextInput } from "../ui/form-field";
import { CopyText } from "./copy-text";
import { DEVICE_ID_PATTERN, suggestDeviceId } from "./device-id";
import { RegistrationWatcher } from "./registration-watcher";

export const AGENT_COMMAND = "pnpm -s agent run --device-file edgelens-device.json";

function downloadDeviceFile(file: DeviceFile): void {
  const blob = new Blob([`${JSON.stringify(file, null, 2)}\n`], { type: "application/json" });
  const url = URL.createObjectURL(blob);
  const a = document.createElement("a");
  a.href = url;
  a.download = "edgelens-device.json";
  document.body.appendChild(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}

export function RegisterDeviceForm({ action }: { action: ActionFn<{ deviceFile: DeviceFile }> }) {
  const [state, formAction, pending] = useActionState(action, null);
  const [name, setName] = useState("");
  const [id, setId] = useState("");
  const [idEdited, setIdEdited] = useState(false);
  const downloaded = useRef<string | null>(null);
  const file = state?.ok ? state.data.deviceFile : null;

  useEffect(() => {
    // The secret exists only in this response: hand the file over once, right away.
    if (file && downloaded.current !== file.deviceId) {
      downloaded.current = file.deviceId;
      downloadDeviceFile(file);
    }
  }, [file]);

  if (file) {
    return (
      <div className="space-y-4" data-testid="registered">
        <Alert tone="success" title={`Device ${file.deviceId} registered`}>
          <code>edgelens-device.json</code> was downloaded. It holds the device secret, which the console does not keep: store it on the device and nowhere else.
        </Alert>
        <Card title="1. Start the agent on the device">
          <p className="mb-2 text-sm text-slate-600">Put the file in the Edgelens folder on the device, then run:</p>
          <CopyText text={AGENT_COMMAND} testId="agent-command" />
          <button type="button" className={buttonClasses("ghost", "mt-2 px-0 text-xs")} onClick={() => downloadDeviceFile(file)}>
            Download the file again (only while this page is open)
          </button>
        </Card>
        <Card title="2. Wait for it to connect">
          <RegistrationWatcher deviceId={file.deviceId} />
        </Card>
      </div>
    );
  }

  return (
    <form action={formAction} className="max-w-lg space-y-4" data-testid="register-form">
      <Field label="Name" htmlFor="name" hint="What you call it: “Front door”, “Loading bay 2”.">
        <TextInput
          id="name"
          name="name"
          required
          maxLength={128}
          value={name}
          onChange={(e) => {
            setName(e.target.value);
            if (!idEdited) setId(suggestDeviceId(e.target.value));
          }}
          autoFocus
        />
      </Field>
      <Field label="Device id" htmlFor="id" hint="Lower-case letters, digits and dashes; used in topics and cannot change.">
        <TextInput
          id="id"
          name="id"
          required
          pattern={DEVICE_ID_PATTERN}
          value={id}
          className="font-mono"
          onChange={(e) => {
            setIdEdited(true);
            setId(e.target.value);
          }}
        />
      </Field>
      {state && !state.ok ? <Alert tone="error">{state.error}</Alert> : null}
      <button type="submit" className={buttonClasses("primary")} disabled={pending}>
        {pending ? "Registering…" : "Register and download credentials"}
      </button>
    </form>
  );
}
