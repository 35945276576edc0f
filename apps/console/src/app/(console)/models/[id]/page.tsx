import Link from "next/link";
import { DeleteButton } from "@/components/ui/delete-button";
import { ModelOptimize } from "@/components/models/model-optimize";
import { TensorTable } from "@/components/models/tensor-table";
import { Card } from "@/components/ui/card";
import { formatBytes } from "@/components/ui/format-bytes";
import { PageHeader } from "@/components/ui/page-header";
import { RelativeTime } from "@/components/ui/relative-time";
import { StatusBadge } from "@/components/ui/status-badge";
import { Table, TBody, Td, Th } from "@/components/ui/table";
import { requirePageUser } from "@/server/auth/session";
import { getContext } from "@/server/get-context";
import { getModel } from "@/server/services/models";
import { loadOrNotFound } from "../../../_shared/load";
import { deleteModelAction } from "../actions";

export default async function ModelPage({ params, searchParams }: { params: Promise<{ id: string }>; searchParams: Promise<{ version?: string }> }) {
  const [{ id }, sp, user] = await Promise.all([params, searchParams, requirePageUser()]);
  const model = await loadOrNotFound(async () => getModel(await getContext(), decodeURIComponent(id)));
  const shown = model.versions.find((v) => String(v.version) === sp.version) ?? model.latest ?? model.versions[0] ?? null;

  return (
    <>
      <PageHeader
        breadcrumb={
          <Link href="/models" className="hover:underline">
            Models
          </Link>
        }
        title={model.name}
        description={model.description ?? undefined}
        actions={user.role === "admin" ? <DeleteButton id={model.id} title={`Delete ${model.name}?`} body="All its versions go. A model that a project version uses cannot be deleted." listHref="/models" action={deleteModelAction} /> : null}
      />
      {!shown ? (
        <p className="text-sm text-slate-500">This model has no versions.</p>
      ) : (
        <div className="grid gap-4 lg:grid-cols-3 [&>*]:min-w-0">
          <div className="space-y-4 lg:col-span-2">
            <Card title="Inputs">
              <TensorTable tensors={shown.inputs} />
            </Card>
            <Card title="Outputs">
              <TensorTable tensors={shown.outputs} />
            </Card>
            <Card title={`Labels${shown.labels ? ` (${shown.labels.length})` : ""}`}>
              {shown.labels && shown.labels.length > 0 ? (
                <ol className="flex flex-wrap gap-1.5" data-testid="model-labels">
                  {shown.labels.map((l, i) => (
                    <li key={`${i}-${l}`} className="rounded bg-slate-100 px-1.5 py-0.5 text-xs text-slate-700" title={`class ${i}`}>
                      <span className="text-slate-400">{i}</span> {l}
                    </li>
                  ))}
                </ol>
              ) : (
                <p className="text-sm text-slate-500">No labels recorded for this model.</p>
              )}
            </Card>
          </div>
          <div className="space-y-4">
            <Card title={`Version ${shown.version}`}>
              <dl className="space-y-2 text-sm">
                <div className="flex justify-between gap-2">
                  <dt className="text-slate-500">Format</dt>
                  <dd>
                    <StatusBadge status={shown.format} label={shown.format === "tfjs" ? "tf.js → onnx" : "onnx"} />
                  </dd>
                </div>
                <div className="flex justify-between gap-2">
                  <dt className="text-slate-500">Size</dt>
                  <dd className="tabular-nums">{formatBytes(shown.size)}</dd>
                </div>
                <div className="flex justify-between gap-2">
                  <dt className="text-slate-500">Source</dt>
                  <dd className="truncate text-right" title={shown.source}>
                    {shown.source}
                  </dd>
                </div>
                <div className="flex justify-between gap-2">
                  <dt className="text-slate-500">Imported</dt>
                  <dd>
                    <RelativeTime ts={shown.createdAt} />
                  </dd>
                </div>
                <div>
                  <dt className="text-slate-500">sha256</dt>
                  <dd className="mt-0.5 break-all font-mono text-xs text-slate-700" data-testid="model-sha256">
                    {shown.sha256}
                  </dd>
                </div>
              </dl>
            </Card>
            <Card title="Versions" bodyClassName="p-0">
              <Table>
                <thead>
                  <tr>
                    <Th>Version</Th>
                    <Th className="text-right">Size</Th>
                    <Th>Imported</Th>
                  </tr>
                </thead>
                <TBody>
                  {model.versions.map((v) => (
                    <tr key={v.id} className={v.id === shown.id ? "bg-sky-50" : "hover:bg-slate-50"}>
                      <Td>
                        <Link href={`/models/${model.id}?version=${v.version}`} className="text-sky-700 hover:underline">
                          v{v.version}
                        </Link>
                      </Td>
                      <Td className="text-right tabular-nums">{formatBytes(v.size)}</Td>
                      <Td className="text-slate-500">
                        <RelativeTime ts={v.createdAt} />
                      </Td>
                    </tr>
                  ))}
                </TBody>
              </Table>
            </Card>
            {user.role === "admin" ? (
              <Card title="Optimize">
                <ModelOptimize modelId={model.id} />
              </Card>
            ) : null}
          </div>
        </div>
      )}
    </>
  );
}
