"use client";

import { useMemo, useState } from "react";
import { testRule } from "@edgelens/shared/rules";
import { Alert } from "../ui/alert";
import { Field, TextArea, TextInput } from "../ui/form-field";
import { StatusBadge } from "../ui/status-badge";
import { SAMPLE_PAYLOAD, SAMPLE_TOPIC } from "./sample-payload";

/**
 * Runs the rule on a sample message as it is typed. It is the same engine the broker runs
 * (@edgelens/shared/rules is browser-safe), so what matches here matches there.
 */
export function RuleTestBox({ sql, templates }: { sql: string; templates: string[] }) {
  const [topic, setTopic] = useState(SAMPLE_TOPIC);
  const [payload, setPayload] = useState(SAMPLE_PAYLOAD);
  const [clientId, setClientId] = useState("front-door");
  const result = useMemo(() => {
    try {
      return testRule(sql, { topic, payload, clientId: clientId || null }, templates);
    } catch (e) {
      return { ok: false as const, error: { code: "RULE_EVAL_ERROR" as const, message: e instanceof Error ? e.message : String(e) } };
    }
  }, [sql, topic, payload, clientId, templates]);

  return (
    <div className="space-y-3" data-testid="rule-test">
      <div className="grid gap-3 sm:grid-cols-[1fr_10rem] [&>*]:min-w-0">
        <Field label="Topic" htmlFor="test-topic">
          <TextInput id="test-topic" value={topic} onChange={(e) => setTopic(e.target.value)} className="font-mono" />
        </Field>
        <Field label="Client id" htmlFor="test-client">
          <TextInput id="test-client" value={clientId} onChange={(e) => setClientId(e.target.value)} className="font-mono" />
        </Field>
      </div>
      <Field label="Sample payload (JSON)" htmlFor="test-payload">
        <TextArea id="test-payload" rows={10} value={payload} onChange={(e) => setPayload(e.target.value)} className="text-xs" spellCheck={false} />
      </Field>
      <div aria-live="polite" data-testid="rule-test-result" data-matched={result.ok ? String(result.matched) : "error"}>
        {result.ok ? (
          <div className="space-y-2">
            <div className="flex flex-wrap gap-2">
              <StatusBadge status={result.topicMatches ? "topic matches" : "topic differs"} tone={result.topicMatches ? "green" : "amber"} />
              <StatusBadge status={result.matched ? "rule fires" : "no match"} tone={result.matched ? "green" : "slate"} />
            </div>
            {result.matched ? <pre className="max-h-64 overflow-auto rounded-md bg-slate-900 p-3 font-mono text-xs text-emerald-200">{JSON.stringify(result.output, null, 2)}</pre> : null}
            {result.templates.map((t) => (
              <div key={t.template} className="text-xs text-slate-600">
                republish to <code className="rounded bg-slate-100 px-1">{t.error ? `error: ${t.error.message}` : t.topic}</code>
              </div>
            ))}
          </div>
        ) : (
          <Alert tone="error" title={result.error.code === "RULE_PARSE_ERROR" ? `SQL error${result.error.line ? ` at line ${result.error.line}, column ${result.error.column}` : ""}` : result.error.code === "INVALID_PAYLOAD" ? "Payload error" : "Evaluation error"}>
            {result.error.message}
            {result.error.expected?.length ? <div className="mt-1 text-xs">expected: {result.error.expected.join(", ")}</div> : null}
          </Alert>
        )}
      </div>
    </div>
  );
}
