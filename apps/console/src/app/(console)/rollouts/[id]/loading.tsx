import { PageSkeleton } from "@/components/ui/skeleton";

export default function RolloutsItemLoading() {
  return <PageSkeleton label="Loading this rollout" />;
}
