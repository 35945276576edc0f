import Link from "next/link";
import { SampleModelsButton } from "@/components/models/sample-models-button";
import { formatShape, fullShape } from "@/components/models/tensor-shape";
import { LinkButton } from "@/components/ui/button";
import { EmptyState } from "@/components/ui/empty-state";
import { formatBytes } from "@/components/ui/format-bytes";
import { PageHeader } from "@/components/ui/page-header";
import { RelativeTime } from "@/components/ui/relative-time";
import { StatusBadge } from "@/components/ui/status-badge";
import { Table, TBody, Td, Th } from "@/components/ui/table";
import { requirePageUser } from "@/server/auth/session";
import { getContext } from "@/server/get-context";
import { listModels } from "@/server/services/models";
import { importSamplesAction } from "./actions";

export default async function ModelsPage() {
  const user = await requirePageUser();
  const models = listModels(await getContext());
  const isAdmin = user.role === "admin";
  const actions = isAdmin ? (
    <>
      <SampleModelsButton action={importSamplesAction} />
      <LinkButton href="/models/import">Import model</LinkButton>
    </>
  ) : null;

  return (
    <>
      <PageHeader title="Models" description="ONNX models the projects run; TF.js graph models are converted on import." actions={actions} />
      {models.length === 0 ? (
        <EmptyState title="No models yet" action={actions}>
          Import an ONNX file or a TF.js graph model, or add the sample models (object detection, faces, pose, text).
        </EmptyState>
      ) : (
        <Table label="Models">
          <thead>
            <tr>
              <Th>Name</Th>
              <Th>Format</Th>
              <Th>Input</Th>
              <Th className="text-right">Size</Th>
              <Th className="text-right">Versions</Th>
              <Th>Updated</Th>
            </tr>
          </thead>
          <TBody>
            {models.map((m) => (
              <tr key={m.id} className="hover:bg-slate-50">
                <Td>
                  <Link href={`/models/${m.id}`} className="font-medium text-sky-700 hover:underline">
                    {m.name}
                  </Link>
                  {m.description ? <div className="max-w-xs truncate text-xs text-slate-400">{m.description}</div> : null}
                </Td>
                <Td>{m.latest ? <StatusBadge status={m.latest.format} label={m.latest.format === "tfjs" ? "tf.js → onnx" : "onnx"} /> : "—"}</Td>
                <Td className="font-mono text-xs" title={m.latest?.inputs[0] ? fullShape(m.latest.inputs[0].shape) : undefined}>
                  {m.latest?.inputs[0] ? `${m.latest.inputs[0].type} ${formatShape(m.latest.inputs[0].shape)}` : "—"}
                </Td>
                <Td className="text-right tabular-nums">{m.latest ? formatBytes(m.latest.size) : "—"}</Td>
                <Td className="text-right tabular-nums">{m.versionCount}</Td>
                <Td className="text-slate-500">
                  <RelativeTime ts={m.latest?.createdAt ?? m.createdAt} />
                </Td>
              </tr>
            ))}
          </TBody>
        </Table>
      )}
    </>
  );
}
