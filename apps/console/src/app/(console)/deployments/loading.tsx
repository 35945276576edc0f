import { PageSkeleton } from "@/components/ui/skeleton";

export default function DeploymentsLoading() {
  return <PageSkeleton label="Loading deployments" />;
}
