"use client";

import { useActionState } from "react";
import { Alert } from "@/components/ui/alert";
import { buttonClasses } from "@/components/ui/button";
import { Field, TextInput } from "@/components/ui/form-field";
import type { ActionResult } from "../_shared/action-result";
import { createFirstAdminAction, signInAction } from "./actions";

export function SignInForm({ next }: { next: string }) {
  const [state, action, pending] = useActionState<ActionResult | null, FormData>(signInAction, null);
  return (
    <form action={action} className="space-y-4" data-testid="sign-in-form">
      <input type="hidden" name="next" value={next} />
      <Field label="Email" htmlFor="email">
        <TextInput id="email" name="email" type="email" autoComplete="username" required autoFocus />
      </Field>
      <Field label="Password" htmlFor="password">
        <TextInput id="password" name="password" type="password" autoComplete="current-password" required />
      </Field>
      {state && !state.ok ? <Alert tone="error">{state.error}</Alert> : null}
      <button type="submit" className={buttonClasses("primary", "w-full py-2")} disabled={pending}>
        {pending ? "Signing in…" : "Sign in"}
      </button>
    </form>
  );
}

export function FirstAdminForm() {
  const [state, action, pending] = useActionState<ActionResult | null, FormData>(createFirstAdminAction, null);
  return (
    <form action={action} className="space-y-4" data-testid="first-admin-form">
      <Alert tone="info" title="First start">
        No users exist yet. Create the administrator account for this console.
      </Alert>
      <Field label="Name" htmlFor="name">
        <TextInput id="name" name="name" autoComplete="name" placeholder="Optional" />
      </Field>
      <Field label="Email" htmlFor="email">
        <TextInput id="email" name="email" type="email" autoComplete="username" required autoFocus />
      </Field>
      <Field label="Password" htmlFor="password" hint="At least 10 characters, not a common password.">
        <TextInput id="password" name="password" type="password" autoComplete="new-password" minLength={10} required />
      </Field>
      <Field label="Repeat password" htmlFor="confirm">
        <TextInput id="confirm" name="confirm" type="password" autoComplete="new-password" minLength={10} required />
      </Field>
      {state && !state.ok ? <Alert tone="error">{state.error}</Alert> : null}
      <button type="submit" className={buttonClasses("primary", "w-full py-2")} disabled={pending}>
        {pending ? "Creating…" : "Create the admin"}
      </button>
    </form>
  );
}
