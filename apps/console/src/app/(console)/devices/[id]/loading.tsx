import { PageSkeleton } from "@/components/ui/skeleton";

export default function DevicesItemLoading() {
  return <PageSkeleton label="Loading this device" />;
}
