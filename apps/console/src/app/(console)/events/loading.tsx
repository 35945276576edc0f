import { PageSkeleton } from "@/components/ui/skeleton";

export default function EventsLoading() {
  return <PageSkeleton label="Loading events" />;
}
