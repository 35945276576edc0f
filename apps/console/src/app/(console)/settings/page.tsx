import { TokenSection } from "@/components/settings/token-section";
import { UserSection } from "@/components/settings/user-section";
import { Card } from "@/components/ui/card";
import { PageHeader } from "@/components/ui/page-header";
import { requirePageUser } from "@/server/auth/session";
import { getContext } from "@/server/get-context";
import { listApiTokens } from "@/server/services/tokens";
import { listUsers } from "@/server/services/users";
import { createTokenAction, createUserAction, deleteUserAction, revokeTokenAction, updateUserRoleAction } from "./actions";

export default async function SettingsPage() {
  const user = await requirePageUser();
  const ctx = await getContext();
  const isAdmin = user.role === "admin";
  const users = listUsers(ctx);
  const emails = new Map(users.map((u) => [u.id, u.email]));
  const tokens = listApiTokens(ctx, isAdmin ? undefined : user.id).map((t) => ({ ...t, owner: emails.get(t.userId) ?? t.userId }));

  return (
    <>
      <PageHeader title="Settings" description={`Signed in as ${user.email} (${user.role}).`} />
      <div className="space-y-6">
        <Card title="API tokens">
          <TokenSection tokens={tokens} create={createTokenAction} revoke={revokeTokenAction} />
        </Card>
        {isAdmin ? (
          <Card title="Users">
            <UserSection users={users.map((u) => ({ id: u.id, email: u.email, name: u.name, role: u.role, createdAt: u.createdAt }))} selfId={user.id} create={createUserAction} update={updateUserRoleAction} remove={deleteUserAction} />
          </Card>
        ) : null}
      </div>
    </>
  );
}
