"use client";

import { useEffect, useRef, useState } from "react";
import { topicFilterProblem } from "@edgelens/shared/rules";
import { ConnectionBadge } from "../mqtt/connection-badge";
import { useMqttHub, type MqttMessage } from "../mqtt/mqtt-provider";
import { Alert } from "../ui/alert";
import { buttonClasses } from "../ui/button";
import { Card } from "../ui/card";
import { TextInput } from "../ui/form-field";
import { previewPayload, type Preview } from "./payload-preview";
import { PublishForm } from "./publish-form";
import { filters } from "@edgelens/shared/topics";

const KEEP = 200;
type Row = { n: number; topic: string; at: number; size: number; retain: boolean; qos: number; preview: Preview; filter: string };

/** Like the AWS IoT console's test page: subscribe to filters, watch messages, publish (admins). */
export function MqttTestClient({ canPublish }: { canPublish: boolean }) {
  const hub = useMqttHub();
  const [filterText, setFilterText] = useState<string>(filters.allOf("status"));
  const [subs, setSubs] = useState<string[]>([]);
  const [rows, setRows] = useState<Row[]>([]);
  const [paused, setPaused] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [open, setOpen] = useState<number | null>(null);
  const counter = useRef(0);
  const pausedRef = useRef(paused);
  useEffect(() => {
    pausedRef.current = paused;
  }, [paused]);

  useEffect(() => {
    const offs = subs.map((filter) =>
      hub.subscribe(filter, (m: MqttMessage) => {
        if (pausedRef.current) return;
        const row: Row = { n: ++counter.current, topic: m.topic, at: Date.now(), size: m.payload.length, retain: m.retain, qos: m.qos, preview: previewPayload(m.payload), filter };
        setRows((prev) => [row, ...prev].slice(0, KEEP));
      }),
    );
    return () => offs.forEach((off) => off());
  }, [hub, subs]);

  const subscribe = () => {
    const f = filterText.trim();
    const problem = topicFilterProblem(f);
    if (problem) return setError(problem);
    setError(null);
    if (!subs.includes(f)) setSubs([...subs, f]);
  };

  return (
    <div className="grid gap-4 xl:grid-cols-3 [&>*]:min-w-0">
      <div className="space-y-4">
        <Card title="Subscribe" actions={<ConnectionBadge />}>
          <form
            className="flex gap-2"
            onSubmit={(e) => {
              e.preventDefault();
              subscribe();
            }}
          >
            <TextInput value={filterText} onChange={(e) => setFilterText(e.target.value)} className="font-mono" aria-label="Topic filter" data-testid="subscribe-filter" />
            <button type="submit" className={buttonClasses("primary")} data-testid="subscribe-submit">
              Subscribe
            </button>
          </form>
          {error ? (
            <Alert tone="error" className="mt-2">
              {error}
            </Alert>
          ) : null}
          <ul className="mt-3 space-y-1" data-testid="subscriptions">
            {subs.length === 0 ? <li className="text-xs text-slate-400">No subscriptions. Try {filters.allDevices}.</li> : null}
            {subs.map((s) => (
              <li key={s} className="flex items-center justify-between gap-2 rounded bg-slate-50 px-2 py-1">
                <code className="truncate text-xs">{s}</code>
                <button type="button" className="text-xs text-slate-500 hover:text-rose-600" onClick={() => setSubs(subs.filter((x) => x !== s))} aria-label={`Unsubscribe ${s}`}>
                  Unsubscribe
                </button>
              </li>
            ))}
          </ul>
        </Card>
        {canPublish ? (
          <Card title="Publish">
            <PublishForm />
          </Card>
        ) : (
          <p className="text-xs text-slate-500">Viewers can watch; only admins publish.</p>
        )}
      </div>
      <Card
        title={`Messages (${rows.length})`}
        className="xl:col-span-2"
        bodyClassName="p-0"
        actions={
          <>
            <button type="button" className={buttonClasses("secondary", "py-1 text-xs")} onClick={() => setPaused(!paused)}>
              {paused ? "Resume" : "Pause"}
            </button>
            <button type="button" className={buttonClasses("secondary", "py-1 text-xs")} onClick={() => setRows([])}>
              Clear
            </button>
          </>
        }
      >
        <ul className="max-h-[70vh] divide-y divide-slate-100 overflow-y-auto" data-testid="mqtt-messages">
          {rows.length === 0 ? <li className="px-4 py-8 text-center text-sm text-slate-400">Messages on your subscriptions appear here.</li> : null}
          {rows.map((r) => (
            <li key={r.n} className="text-sm">
              <button type="button" className="w-full px-4 py-2 text-left hover:bg-slate-50" onClick={() => setOpen(open === r.n ? null : r.n)}>
                <div className="flex flex-wrap items-center gap-x-3 gap-y-0.5">
                  <code className="min-w-0 flex-1 truncate text-xs font-semibold text-slate-800" data-testid="message-topic">
                    {r.topic}
                  </code>
                  {r.retain ? <span className="rounded bg-amber-100 px-1 text-[10px] font-medium text-amber-800">retained</span> : null}
                  <span className="text-[11px] text-slate-400">
                    QoS {r.qos} · {r.size} B · {new Date(r.at).toLocaleTimeString()}
                  </span>
                </div>
                <pre className={`mt-1 overflow-hidden whitespace-pre-wrap break-all font-mono text-xs ${r.preview.kind === "binary" ? "italic text-slate-400" : "text-slate-600"} ${open === r.n ? "" : "max-h-10"}`}>
                  {r.preview.text}
                </pre>
              </button>
            </li>
          ))}
        </ul>
      </Card>
    </div>
  );
}
