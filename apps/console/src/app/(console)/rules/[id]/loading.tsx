import { PageSkeleton } from "@/components/ui/skeleton";

export default function RulesItemLoading() {
  return <PageSkeleton label="Loading this rule" />;
}
