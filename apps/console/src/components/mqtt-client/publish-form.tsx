"use client";

import { useState } from "react";
import { publishTopicProblem } from "@edgelens/shared/rules";
import { useMqttHub } from "../mqtt/mqtt-provider";
import { Alert } from "../ui/alert";
import { buttonClasses } from "../ui/button";
import { Field, Select, TextArea, TextInput } from "../ui/form-field";

/** Publish a message as the signed-in admin (the broker refuses viewers anyway). */
export function PublishForm() {
  const hub = useMqttHub();
  const [topic, setTopic] = useState("edgelens/test");
  const [payload, setPayload] = useState('{\n  "hello": "edgelens"\n}');
  const [qos, setQos] = useState<0 | 1>(0);
  const [retain, setRetain] = useState(false);
  const [status, setStatus] = useState<{ ok: boolean; text: string } | null>(null);

  return (
    <form
      className="space-y-3"
      data-testid="publish-form"
      onSubmit={async (e) => {
        e.preventDefault();
        const problem = publishTopicProblem(topic);
        if (problem) return setStatus({ ok: false, text: problem });
        try {
          await hub.publish(topic, payload, { qos, retain });
          setStatus({ ok: true, text: `Published ${new TextEncoder().encode(payload).length} bytes to ${topic}` });
        } catch (err) {
          setStatus({ ok: false, text: err instanceof Error ? err.message : String(err) });
        }
      }}
    >
      <Field label="Topic" htmlFor="pub-topic">
        <TextInput id="pub-topic" value={topic} onChange={(e) => setTopic(e.target.value)} className="font-mono" required />
      </Field>
      <Field label="Payload" htmlFor="pub-payload">
        <TextArea id="pub-payload" rows={6} value={payload} onChange={(e) => setPayload(e.target.value)} className="text-xs" spellCheck={false} />
      </Field>
      <div className="flex flex-wrap items-center gap-4">
        <label className="flex items-center gap-2 text-sm text-slate-700">
          QoS
          <Select value={qos} onChange={(e) => setQos(e.target.value === "1" ? 1 : 0)} className="w-16">
            <option value={0}>0</option>
            <option value={1}>1</option>
          </Select>
        </label>
        <label className="flex items-center gap-2 text-sm text-slate-700">
          <input type="checkbox" checked={retain} onChange={(e) => setRetain(e.target.checked)} className="h-4 w-4 rounded border-slate-300" />
          Retain
        </label>
        <button type="submit" className={buttonClasses("primary", "ml-auto")} data-testid="publish-submit">
          Publish
        </button>
      </div>
      {status ? <Alert tone={status.ok ? "success" : "error"}>{status.text}</Alert> : null}
    </form>
  );
}
