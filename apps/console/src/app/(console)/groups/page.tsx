import Link from "next/link";
import { GroupCreateForm } from "@/components/groups/group-create-form";
import { Card } from "@/components/ui/card";
import { EmptyState } from "@/components/ui/empty-state";
import { PageHeader } from "@/components/ui/page-header";
import { Table, TBody, Td, Th } from "@/components/ui/table";
import { requirePageUser } from "@/server/auth/session";
import { getContext } from "@/server/get-context";
import { listGroups } from "@/server/services/groups";
import { createGroupAction } from "./actions";

export default async function GroupsPage() {
  const user = await requirePageUser();
  const groups = listGroups(await getContext());
  return (
    <>
      <PageHeader title="Groups" description="Devices by list or by a query over their tags. A group deployment reaches every member, including devices that join later." />
      {groups.length === 0 ? (
        <EmptyState title="No groups yet">Create one below: a query such as site = &apos;berlin&apos;, or a list of devices.</EmptyState>
      ) : (
        <Table label="Groups">
          <thead>
            <tr>
              <Th>Name</Th>
              <Th>Members</Th>
              <Th>Membership</Th>
            </tr>
          </thead>
          <TBody>
            {groups.map((g) => (
              <tr key={g.id} data-testid={`group-row-${g.name}`}>
                <Td>
                  <Link href={`/groups/${g.name}`} className="font-medium text-sky-700 hover:underline">
                    {g.name}
                  </Link>
                </Td>
                <Td className="tabular-nums">{g.members}</Td>
                <Td className="font-mono text-xs">{g.query ?? "static list"}</Td>
              </tr>
            ))}
          </TBody>
        </Table>
      )}
      {user.role === "admin" ? (
        <div className="mt-6">
          <Card title="New group">
            <GroupCreateForm action={createGroupAction} />
          </Card>
        </div>
      ) : null}
    </>
  );
}
