import Link from "next/link";
import { NEW_RULE, RuleForm } from "@/components/rules/rule-form";
import { PageHeader } from "@/components/ui/page-header";
import { requirePageUser } from "@/server/auth/session";
import { saveRuleAction } from "../actions";

export default async function NewRulePage() {
  await requirePageUser("admin");
  return (
    <>
      <PageHeader
        breadcrumb={
          <Link href="/rules" className="hover:underline">
            Rules
          </Link>
        }
        title="New rule"
      />
      <RuleForm id={null} initial={NEW_RULE} save={saveRuleAction} readOnly={false} />
    </>
  );
}
