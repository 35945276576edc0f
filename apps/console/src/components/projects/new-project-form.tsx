"use client";

import { useActionState, useState } from "react";
import type { ActionFn } from "../ui/action-result";
import { Alert } from "../ui/alert";
import { buttonClasses } from "../ui/button";
import { joinClasses } from "../ui/class-names";
import { Field, TextInput } from "../ui/form-field";

export type TemplateCard = { name: string; title: string; description: string; models: string[] };

export function NewProjectForm({ templates, initial, action }: { templates: TemplateCard[]; initial: string; action: ActionFn<null> }) {
  const [state, formAction, pending] = useActionState(action, null);
  const [template, setTemplate] = useState(initial);
  const [name, setName] = useState("");
  const cards: TemplateCard[] = [...templates, { name: "blank", title: "Blank", description: "An empty function to start from scratch.", models: [] }];

  return (
    <form action={formAction} className="space-y-5" data-testid="new-project-form">
      <fieldset>
        <legend className="mb-2 text-sm font-medium text-slate-700">Start from</legend>
        <div className="grid gap-3 sm:grid-cols-2 xl:grid-cols-4">
          {cards.map((t) => (
            <label
              key={t.name}
              className={joinClasses("flex cursor-pointer flex-col rounded-lg border bg-white p-3 text-sm shadow-sm transition-colors", template === t.name ? "border-sky-500 ring-1 ring-sky-500" : "border-slate-200 hover:border-slate-300")}
              data-testid={`template-${t.name}`}
            >
              <input type="radio" name="template" value={t.name} checked={template === t.name} onChange={() => setTemplate(t.name)} className="sr-only" />
              <span className="font-medium text-slate-800">{t.title}</span>
              <span className="mt-1 flex-1 text-xs text-slate-500">{t.description}</span>
              {t.models.length > 0 ? <span className="mt-2 font-mono text-[11px] text-slate-400">{t.models.join(", ")}</span> : null}
            </label>
          ))}
        </div>
      </fieldset>
      <div className="max-w-lg space-y-4">
        <Field label="Project name" htmlFor="project-name">
          <TextInput id="project-name" name="name" required maxLength={128} value={name} onChange={(e) => setName(e.target.value)} placeholder={template === "blank" ? "my-project" : template} />
        </Field>
        <Field label="Description" htmlFor="project-description">
          <TextInput id="project-description" name="description" maxLength={2000} placeholder="Optional" />
        </Field>
        {state && !state.ok ? <Alert tone="error">{state.error}</Alert> : null}
        <button type="submit" className={buttonClasses("primary")} disabled={pending}>
          {pending ? (template === "blank" ? "Creating…" : "Creating (importing sample models)…") : "Create project"}
        </button>
      </div>
    </form>
  );
}
