import { PageSkeleton } from "@/components/ui/skeleton";

export default function DevicesLoading() {
  return <PageSkeleton label="Loading devices" />;
}
