import Link from "next/link";
import { AutoRefresh } from "@/components/live/auto-refresh";
import { RuleEnabledToggle } from "@/components/rules/rule-enabled-toggle";
import { LinkButton } from "@/components/ui/button";
import { EmptyState } from "@/components/ui/empty-state";
import { PageHeader } from "@/components/ui/page-header";
import { StatusBadge } from "@/components/ui/status-badge";
import { Table, TBody, Td, Th } from "@/components/ui/table";
import { requirePageUser } from "@/server/auth/session";
import { getContext } from "@/server/get-context";
import { listRules } from "@/server/services/rules";
import { setRuleEnabledAction } from "./actions";
import { filters } from "@edgelens/shared/topics";

export default async function RulesPage() {
  const user = await requirePageUser();
  const rules = listRules(await getContext());
  const isAdmin = user.role === "admin";
  const create = isAdmin ? <LinkButton href="/rules/new">New rule</LinkButton> : null;

  return (
    <>
      <AutoRefresh intervalMs={10_000} />
      <PageHeader title="Rules" description="SQL over device messages, with actions: store, republish, webhook. The broker runs them." actions={create} />
      {rules.length === 0 ? (
        <EmptyState title="No rules yet" action={create}>
          A rule like <code>{`SELECT * FROM '${filters.allOf("infer")}' WHERE counts.person > 0`}</code> with a store action fills the Events page.
        </EmptyState>
      ) : (
        <Table label="Rules">
          <thead>
            <tr>
              <Th>On</Th>
              <Th>Name</Th>
              <Th>Actions</Th>
              <Th className="text-right">Executions</Th>
              <Th className="text-right">Errors</Th>
            </tr>
          </thead>
          <TBody>
            {rules.map((r) => (
              <tr key={r.id} className="hover:bg-slate-50" data-testid={`rule-row-${r.id}`}>
                <Td>
                  <RuleEnabledToggle id={r.id} enabled={r.enabled} action={setRuleEnabledAction} readOnly={!isAdmin} />
                </Td>
                <Td className="max-w-md whitespace-normal">
                  <Link href={`/rules/${r.id}`} className="font-medium text-sky-700 hover:underline">
                    {r.name}
                  </Link>
                  <div className="truncate font-mono text-xs text-slate-400" title={r.sql}>
                    {r.sql}
                  </div>
                </Td>
                <Td>
                  <div className="flex flex-wrap gap-1">
                    {r.actions.map((a, i) => (
                      <StatusBadge key={i} status={a.type} tone="sky" />
                    ))}
                  </div>
                </Td>
                <Td className="text-right tabular-nums" data-testid="rule-executions">
                  {r.executions}
                </Td>
                <Td className="text-right tabular-nums">
                  <span className={r.errors > 0 ? "text-rose-600" : undefined} title={r.lastError ?? undefined}>
                    {r.errors}
                  </span>
                </Td>
              </tr>
            ))}
          </TBody>
        </Table>
      )}
    </>
  );
}
