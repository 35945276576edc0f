import Link from "next/link";
import { ModelImport } from "@/components/models/model-import";
import { PageHeader } from "@/components/ui/page-header";
import { requirePageUser } from "@/server/auth/session";

export default async function ImportModelPage() {
  await requirePageUser("admin");
  return (
    <>
      <PageHeader
        breadcrumb={
          <Link href="/models" className="hover:underline">
            Models
          </Link>
        }
        title="Import a model"
        description="Importing a name that exists adds a new version of that model."
      />
      <ModelImport />
    </>
  );
}
