import { PageSkeleton } from "@/components/ui/skeleton";

export default function RulesLoading() {
  return <PageSkeleton label="Loading rules" />;
}
