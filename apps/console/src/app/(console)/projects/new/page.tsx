import Link from "next/link";
import { NewProjectForm } from "@/components/projects/new-project-form";
import { PageHeader } from "@/components/ui/page-header";
import { requirePageUser } from "@/server/auth/session";
import { listTemplates } from "@/server/services/templates";
import { createProjectAction } from "../actions";

export default async function NewProjectPage({ searchParams }: { searchParams: Promise<{ template?: string }> }) {
  await requirePageUser("admin");
  const { template } = await searchParams;
  const templates = listTemplates().map((t) => ({ name: t.name, title: t.title, description: t.description, models: Object.values(t.models) }));
  return (
    <>
      <PageHeader
        breadcrumb={
          <Link href="/projects" className="hover:underline">
            Projects
          </Link>
        }
        title="New project"
        description="A sample brings its models (imported on first use) and a working function."
      />
      <NewProjectForm templates={templates} initial={template ?? templates[0]?.name ?? "blank"} action={createProjectAction} />
    </>
  );
}
