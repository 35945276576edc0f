"use client";

import { useActionState, useTransition } from "react";
import type { ActionFn, ActionResult } from "../ui/action-result";
import { Alert } from "../ui/alert";
import { buttonClasses } from "../ui/button";
import { ConfirmButton } from "../ui/confirm-button";
import { Select, TextInput } from "../ui/form-field";
import { RelativeTime } from "../ui/relative-time";
import { StatusBadge } from "../ui/status-badge";
import { Table, TBody, Td, Th } from "../ui/table";

export type UserRow = { id: string; email: string; name: string | null; role: "admin" | "viewer"; createdAt: number };
type Role = UserRow["role"];

function RoleSelect({ user, isSelf, update }: { user: UserRow; isSelf: boolean; update: (id: string, role: Role) => Promise<ActionResult<null>> }) {
  const [pending, start] = useTransition();
  if (isSelf) return <StatusBadge status={user.role} />;
  return (
    <Select
      value={user.role}
      disabled={pending}
      aria-label={`Role of ${user.email}`}
      className="w-28 py-1"
      onChange={(e) =>
        start(async () => {
          const r = await update(user.id, e.target.value as Role);
          if (!r.ok) alert(r.error);
        })
      }
    >
      <option value="admin">admin</option>
      <option value="viewer">viewer</option>
    </Select>
  );
}

/** Users (admins only): create with a role, change roles, delete. The last admin is protected by the service. */
export function UserSection({ users, selfId, create, update, remove }: { users: UserRow[]; selfId: string; create: ActionFn<{ email: string }>; update: (id: string, role: Role) => Promise<ActionResult<null>>; remove: (id: string) => Promise<ActionResult<null>> }) {
  const [state, action, pending] = useActionState(create, null);
  return (
    <div className="space-y-4">
      <Table label="Users">
        <thead>
          <tr>
            <Th>User</Th>
            <Th>Role</Th>
            <Th>Since</Th>
            <Th />
          </tr>
        </thead>
        <TBody>
          {users.map((u) => (
            <tr key={u.id}>
              <Td>
                <div className="font-medium text-slate-800">{u.name ?? u.email}</div>
                {u.name ? <div className="text-xs text-slate-500">{u.email}</div> : null}
              </Td>
              <Td>
                <RoleSelect user={u} isSelf={u.id === selfId} update={update} />
              </Td>
              <Td className="text-slate-500">
                <RelativeTime ts={u.createdAt} />
              </Td>
              <Td className="text-right">
                {u.id === selfId ? (
                  <span className="text-xs text-slate-400">you</span>
                ) : (
                  <ConfirmButton
                    label="Delete"
                    title={`Delete ${u.email}?`}
                    body="They are signed out at once; their API tokens stop working."
                    confirmLabel="Delete"
                    onConfirm={async () => {
                      const r = await remove(u.id);
                      return r.ok ? undefined : { error: r.error };
                    }}
                  />
                )}
              </Td>
            </tr>
          ))}
        </TBody>
      </Table>
      <form action={action} className="grid gap-2 rounded-md border border-slate-200 bg-slate-50/50 p-3 sm:grid-cols-2 lg:grid-cols-5" data-testid="user-form">
        <TextInput name="email" type="email" required placeholder="email" aria-label="Email" />
        <TextInput name="name" placeholder="name (optional)" aria-label="Name" />
        <TextInput name="password" type="password" required minLength={8} placeholder="password (8+)" aria-label="Password" autoComplete="new-password" />
        <Select name="role" defaultValue="viewer" aria-label="Role">
          <option value="viewer">viewer: reads everything</option>
          <option value="admin">admin: changes things</option>
        </Select>
        <button type="submit" className={buttonClasses("primary")} disabled={pending}>
          {pending ? "Adding…" : "Add user"}
        </button>
      </form>
      {state?.ok ? <Alert tone="success">{state.data.email} can sign in now.</Alert> : null}
      {state && !state.ok ? <Alert tone="error">{state.error}</Alert> : null}
    </div>
  );
}
