import Link from "next/link";
import { DeleteButton } from "@/components/ui/delete-button";
import { RuleForm, type RuleDraft } from "@/components/rules/rule-form";
import { AutoRefresh } from "@/components/live/auto-refresh";
import { Stat } from "@/components/ui/card";
import { PageHeader } from "@/components/ui/page-header";
import { StatusBadge } from "@/components/ui/status-badge";
import { requirePageUser } from "@/server/auth/session";
import { getContext } from "@/server/get-context";
import { getRule } from "@/server/services/rules";
import { loadOrNotFound } from "../../../_shared/load";
import { deleteRuleAction, saveRuleAction } from "../actions";

export default async function RulePage({ params }: { params: Promise<{ id: string }> }) {
  const [{ id }, user] = await Promise.all([params, requirePageUser()]);
  const rule = await loadOrNotFound(async () => getRule(await getContext(), id));
  const isAdmin = user.role === "admin";
  const draft = { name: rule.name, sql: rule.sql, actions: rule.actions, errorAction: rule.errorAction, enabled: rule.enabled } as RuleDraft;

  return (
    <>
      <AutoRefresh intervalMs={10_000} />
      <PageHeader
        breadcrumb={
          <Link href="/rules" className="hover:underline">
            Rules
          </Link>
        }
        title={
          <span className="flex items-center gap-2">
            {rule.name} <StatusBadge status={rule.enabled ? "enabled" : "disabled"} />
          </span>
        }
        actions={isAdmin ? <DeleteButton id={rule.id} title={`Delete the rule ${rule.name}?`} body="The broker stops running it. Events it stored stay." listHref="/rules" action={deleteRuleAction} /> : null}
      />
      <div className="mb-4 grid grid-cols-2 gap-3 md:grid-cols-3">
        <Stat label="Executions" value={rule.executions} />
        <Stat label="Errors" value={rule.errors} tone={rule.errors > 0 ? "rose" : "slate"} />
        <div className="col-span-2 rounded-lg border border-slate-200 bg-white p-4 text-sm shadow-sm md:col-span-1">
          <div className="text-xs font-medium uppercase tracking-wide text-slate-500">Last error</div>
          <div className="mt-1 break-words text-slate-700">{rule.lastError ?? "none"}</div>
        </div>
      </div>
      <RuleForm key={rule.updatedAt ?? rule.createdAt} id={rule.id} initial={draft} save={saveRuleAction} readOnly={!isAdmin} />
    </>
  );
}
