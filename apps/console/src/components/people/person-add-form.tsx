"use client";

import { useActionState } from "react";
import type { ActionFn } from "../ui/action-result";
import { buttonClasses } from "../ui/button";
import { Field, TextInput } from "../ui/form-field";
import { PersonAddedAlert } from "./person-added-alert";

/** A person's name and photos; a new name creates the person, a known one adds photos. */
export function PersonAddForm({ action }: { action: ActionFn<{ name: string; photos: number }> }) {
  const [state, formAction, pending] = useActionState(action, null);
  return (
    <form action={formAction} className="max-w-xl space-y-3" data-testid="person-add-form">
      <Field label="Name" htmlFor="person-name">
        <TextInput id="person-name" name="name" required maxLength={64} />
      </Field>
      <Field label="Photos" htmlFor="person-photos" hint="Each photo must show exactly this one face; its descriptor is computed on upload.">
        <input id="person-photos" name="photos" type="file" accept="image/*" multiple required className="block text-sm" data-testid="person-photos" />
      </Field>
      <PersonAddedAlert state={state} />
      <button type="submit" className={buttonClasses("primary")} disabled={pending} data-testid="person-add">
        {pending ? "Describing faces…" : "Add photos"}
      </button>
    </form>
  );
}
