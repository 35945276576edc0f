import Link from "next/link";
import { LinkButton } from "@/components/ui/button";
import { EmptyState } from "@/components/ui/empty-state";
import { PageHeader } from "@/components/ui/page-header";
import { RelativeTime } from "@/components/ui/relative-time";
import { Table, TBody, Td, Th } from "@/components/ui/table";
import { requirePageUser } from "@/server/auth/session";
import { getContext } from "@/server/get-context";
import { listProjects } from "@/server/services/projects";

export default async function ProjectsPage() {
  const user = await requirePageUser();
  const projects = listProjects(await getContext());
  const create = user.role === "admin" ? <LinkButton href="/projects/new">New project</LinkButton> : null;

  return (
    <>
      <PageHeader title="Projects" description="A model, an inference function and its config: what a device runs." actions={create} />
      {projects.length === 0 ? (
        <EmptyState title="No projects yet" action={create}>
          Start from a sample (object detection, people counter, hot dog, faces, pose, text) or from a blank function.
        </EmptyState>
      ) : (
        <Table label="Projects">
          <thead>
            <tr>
              <Th>Name</Th>
              <Th>Template</Th>
              <Th className="text-right">Version</Th>
              <Th>Updated</Th>
            </tr>
          </thead>
          <TBody>
            {projects.map((p) => (
              <tr key={p.id} className="hover:bg-slate-50">
                <Td>
                  <Link href={`/projects/${p.id}`} className="font-medium text-sky-700 hover:underline">
                    {p.name}
                  </Link>
                  {p.description ? <div className="max-w-md truncate text-xs text-slate-400">{p.description}</div> : null}
                </Td>
                <Td className="text-slate-500">{p.template ?? "blank"}</Td>
                <Td className="text-right tabular-nums">v{p.latestVersion}</Td>
                <Td className="text-slate-500">
                  <RelativeTime ts={p.updatedAt ?? p.createdAt} />
                </Td>
              </tr>
            ))}
          </TBody>
        </Table>
      )}
    </>
  );
}
