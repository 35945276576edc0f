import { PageSkeleton } from "@/components/ui/skeleton";

export default function ProjectsItemLoading() {
  return <PageSkeleton label="Loading this project" />;
}
