import Link from "next/link";
import { DeploymentsTable } from "@/components/deployments/deployments-table";
import { DeleteButton } from "@/components/ui/delete-button";
import { DeployDialog } from "@/components/projects/deploy-dialog";
import { ProjectEditor } from "@/components/projects/project-editor";
import { Card } from "@/components/ui/card";
import { joinClasses } from "@/components/ui/class-names";
import { PageHeader } from "@/components/ui/page-header";
import { RelativeTime } from "@/components/ui/relative-time";
import { requirePageUser } from "@/server/auth/session";
import { getContext } from "@/server/get-context";
import { listDeployments } from "@/server/services/deployments";
import { listGroups } from "@/server/services/groups";
import { getModel, listModels } from "@/server/services/models";
import { getProject } from "@/server/services/projects";
import { latestProjectSnapshot } from "@/server/services/snapshots";
import { loadOrNotFound } from "../../../_shared/load";
import { deleteProjectAction, deployProjectAction, deployProjectToGroupAction, saveProjectVersionAction, searchDeployTargetsAction } from "../actions";

export default async function ProjectPage({ params, searchParams }: { params: Promise<{ id: string }>; searchParams: Promise<{ version?: string }> }) {
  const [{ id }, sp, user] = await Promise.all([params, searchParams, requirePageUser()]);
  const ctx = await getContext();
  const project = await loadOrNotFound(() => getProject(ctx, decodeURIComponent(id)));
  const isAdmin = user.role === "admin";
  const shown = project.versions.find((v) => String(v.version) === sp.version) ?? project.latest;
  const modelOptions = listModels(ctx).flatMap((m) => getModel(ctx, m.id).versions.map((v) => ({ versionId: v.id, label: `${m.name} v${v.version}` })));
  const deployments = listDeployments(ctx, { projectId: project.id, limit: 10 });

  return (
    <>
      <PageHeader
        breadcrumb={
          <Link href="/projects" className="hover:underline">
            Projects
          </Link>
        }
        title={project.name}
        description={
          <span>
            {project.template ? `from the ${project.template} sample · ` : ""}
            {project.latestVersion} version{project.latestVersion === 1 ? "" : "s"}
            {project.description ? ` · ${project.description}` : ""}
          </span>
        }
        actions={
          isAdmin ? (
            <>
              <DeleteButton id={project.id} title={`Delete ${project.name}?`} body="Its versions go; devices running it keep running it until they get another deployment." listHref="/projects" action={deleteProjectAction} />
              <DeployDialog projectId={project.id} versions={project.versions.map((v) => v.version)} search={searchDeployTargetsAction}
                deploy={deployProjectAction}
                groups={listGroups(ctx).map((g) => g.name)}
                deployToGroup={deployProjectToGroupAction}
              />
            </>
          ) : null
        }
      />

      {shown && shown.version !== project.latestVersion ? (
        <p className="mb-3 rounded-md bg-amber-50 px-3 py-2 text-sm text-amber-900">
          Viewing version {shown.version}. Saving makes it the new latest version. <Link href={`/projects/${project.id}`} className="underline">Back to the latest</Link>
        </p>
      ) : null}

      <ProjectEditor
        key={`${project.id}-${shown?.version ?? 0}`}
        projectId={project.id}
        base={shown ? { version: shown.version, functionSource: shown.functionSource, config: shown.config, models: shown.models } : null}
        modelOptions={modelOptions}
        readOnly={!isAdmin}
        save={saveProjectVersionAction}
        snapshot={latestProjectSnapshot(ctx, project.id)}
      />

      <div className="mt-4 grid gap-4 lg:grid-cols-3 [&>*]:min-w-0">
        <Card title="Versions" bodyClassName="p-0">
          <ul className="max-h-72 divide-y divide-slate-100 overflow-y-auto" data-testid="project-versions">
            {project.versions.map((v) => (
              <li key={v.version}>
                <Link href={`/projects/${project.id}?version=${v.version}`} className={joinClasses("flex items-center justify-between px-4 py-2 text-sm hover:bg-slate-50", v.version === shown?.version && "bg-sky-50")}>
                  <span className="font-medium">v{v.version}</span>
                  <span className="font-mono text-xs text-slate-400">{v.functionSha256.slice(0, 10)}</span>
                  <span className="text-xs text-slate-500">
                    <RelativeTime ts={v.createdAt} />
                  </span>
                </Link>
              </li>
            ))}
          </ul>
        </Card>
        <div className="lg:col-span-2">
          <h2 className="mb-2 text-sm font-semibold text-slate-800">Recent deployments</h2>
          {deployments.length === 0 ? <p className="text-sm text-slate-500">Not deployed yet.</p> : <DeploymentsTable rows={deployments} showProject={false} />}
        </div>
      </div>
    </>
  );
}
