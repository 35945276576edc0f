import { PageSkeleton } from "@/components/ui/skeleton";

export default function ModelsLoading() {
  return <PageSkeleton label="Loading models" />;
}
