import { PageSkeleton } from "@/components/ui/skeleton";

export default function DeploymentsItemLoading() {
  return <PageSkeleton label="Loading this deployment" />;
}
