import { PersonAddForm } from "@/components/people/person-add-form";
import { PersonRemoveButton } from "@/components/people/person-remove-button";
import { Card } from "@/components/ui/card";
import { EmptyState } from "@/components/ui/empty-state";
import { PageHeader } from "@/components/ui/page-header";
import { Table, TBody, Td, Th } from "@/components/ui/table";
import { requirePageUser } from "@/server/auth/session";
import { getContext } from "@/server/get-context";
import { listPeople } from "@/server/services/people";
import { addPersonAction, addSnapshotFaceAction, removePersonAction } from "./actions";
import { SnapshotFaces } from "./snapshot-faces";

export default async function PeoplePage({ searchParams }: { searchParams: Promise<{ snapshot?: string }> }) {
  const user = await requirePageUser();
  const { snapshot } = await searchParams;
  const ctx = await getContext();
  const people = listPeople(ctx);
  return (
    <>
      <PageHeader
        title="People"
        description="The face gallery of face-recognition projects: known people and their photos. Running face-recognition deployments get every change without a redeploy."
      />
      {people.length === 0 ? (
        <EmptyState title="No people yet">Add a person below with one or more photos showing only their face.</EmptyState>
      ) : (
        <Table label="People">
          <thead>
            <tr>
              <Th>Name</Th>
              <Th>Photos</Th>
              {user.role === "admin" ? <Th>{""}</Th> : null}
            </tr>
          </thead>
          <TBody>
            {people.map((p) => (
              <tr key={p.name} data-testid={`person-row-${p.name}`}>
                <Td className="font-medium">{p.name}</Td>
                <Td className="tabular-nums">{p.photos}</Td>
                {user.role === "admin" ? (
                  <Td>
                    <PersonRemoveButton name={p.name} action={removePersonAction} />
                  </Td>
                ) : null}
              </tr>
            ))}
          </TBody>
        </Table>
      )}
      {user.role === "admin" ? (
        <div className="mt-6">
          <Card title="Add a person or photos">
            <PersonAddForm action={addPersonAction} />
          </Card>
          <div className="mt-6" id="from-snapshot">
            <Card title="Pick a face from an event snapshot">
              <SnapshotFaces ctx={ctx} snapshot={snapshot} people={people.map((p) => p.name)} action={addSnapshotFaceAction} />
            </Card>
          </div>
        </div>
      ) : null}
    </>
  );
}
