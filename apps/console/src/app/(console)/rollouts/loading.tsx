import { PageSkeleton } from "@/components/ui/skeleton";

export default function RolloutsLoading() {
  return <PageSkeleton label="Loading rollouts" />;
}
