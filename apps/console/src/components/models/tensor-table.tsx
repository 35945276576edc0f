import { Table, TBody, Td, Th } from "../ui/table";

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
            <Td className="font-mono text-xs">[{t.shape.join(", ")}]</Td>
          </tr>
        ))}
      </TBody>
    </Table>
  );
}
