"use client";

import { useActionState } from "react";
import { CopyText } from "../devices/copy-text";
import type { ActionFn, ActionResult } from "../ui/action-result";
import { Alert } from "../ui/alert";
import { buttonClasses } from "../ui/button";
import { ConfirmButton } from "../ui/confirm-button";
import { TextInput } from "../ui/form-field";
import { RelativeTime } from "../ui/relative-time";
import { StatusBadge } from "../ui/status-badge";
import { Table, TBody, Td, Th } from "../ui/table";

export type TokenRow = { id: string; name: string; prefix: string; owner: string; createdAt: number; lastUsedAt: number | null; revokedAt: number | null };

/** API tokens: the secret is shown once, right after it is made; the list shows only its prefix. */
export function TokenSection({ tokens, create, revoke }: { tokens: TokenRow[]; create: ActionFn<{ secret: string; name: string }>; revoke: (id: string) => Promise<ActionResult<null>> }) {
  const [state, action, pending] = useActionState(create, null);
  return (
    <div className="space-y-4">
      <form action={action} className="flex flex-wrap gap-2" data-testid="token-form">
        <TextInput name="name" required maxLength={128} placeholder="Token name, e.g. ci-deploy" className="max-w-xs" aria-label="Token name" />
        <button type="submit" className={buttonClasses("primary")} disabled={pending}>
          {pending ? "Creating…" : "Create token"}
        </button>
      </form>
      {state?.ok ? (
        <Alert tone="success" title={`Token “${state.data.name}” created`}>
          <p className="mb-2">Copy it now: it is not shown again. Use it as <code>Authorization: Bearer …</code>.</p>
          <CopyText text={state.data.secret} testId="token-secret" />
        </Alert>
      ) : null}
      {state && !state.ok ? <Alert tone="error">{state.error}</Alert> : null}
      {tokens.length === 0 ? (
        <p className="text-sm text-slate-500">No API tokens yet.</p>
      ) : (
        <Table label="API tokens">
          <thead>
            <tr>
              <Th>Name</Th>
              <Th>Token</Th>
              <Th>Owner</Th>
              <Th>Created</Th>
              <Th>Last used</Th>
              <Th />
            </tr>
          </thead>
          <TBody>
            {tokens.map((t) => (
              <tr key={t.id}>
                <Td className="font-medium">{t.name}</Td>
                <Td className="font-mono text-xs">{t.prefix}…</Td>
                <Td className="text-slate-500">{t.owner}</Td>
                <Td className="text-slate-500">
                  <RelativeTime ts={t.createdAt} />
                </Td>
                <Td className="text-slate-500">
                  <RelativeTime ts={t.lastUsedAt} />
                </Td>
                <Td className="text-right">
                  {t.revokedAt ? (
                    <StatusBadge status="revoked" />
                  ) : (
                    <ConfirmButton
                      label="Revoke"
                      title={`Revoke ${t.name}?`}
                      body="Anything using it stops working at once."
                      confirmLabel="Revoke"
                      onConfirm={async () => {
                        const r = await revoke(t.id);
                        return r.ok ? undefined : { error: r.error };
                      }}
                    />
                  )}
                </Td>
              </tr>
            ))}
          </TBody>
        </Table>
      )}
    </div>
  );
}
