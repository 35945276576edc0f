import { PageSkeleton } from "@/components/ui/skeleton";

export default function ModelsItemLoading() {
  return <PageSkeleton label="Loading this model" />;
}
