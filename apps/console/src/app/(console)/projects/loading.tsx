import { PageSkeleton } from "@/components/ui/skeleton";

export default function ProjectsLoading() {
  return <PageSkeleton label="Loading projects" />;
}
