import { Table, TBody, Td, Th } from "../ui/table";
import { formatShape, fullShape } from "./tensor-shape";

export type Tensor = { name: string; type: string; shape: (number | string)[] };

export function TensorTable({ tensors }: { tensors: Tensor[] }) {
  if (tensors.length === 0) return <p className="text-sm text-slate-500">None recorded.</p>;
  return (
    <Table>
      <thead>
        <tr>
          <Th>Name</Th>
          <Th>Type</Th>
          <Th>Shape</Th>
        </tr>
      </thead>
      <TBody>
        {tensors.map((t) => (
          <tr key={t.name}>
            <Td className="font-mono text-xs">{t.name}</Td>
            <Td className="font-mono text-xs">{t.type}</Td>
            <Td className="font-mono text-xs" title={fullShape(t.shape)}>
              {formatShape(t.shape)}
            </Td>
          </tr>
        ))}
      </TBody>
    </Table>
  );
}
