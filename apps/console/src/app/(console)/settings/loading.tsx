import { PageSkeleton } from "@/components/ui/skeleton";

export default function SettingsLoading() {
  return <PageSkeleton label="Loading settings" />;
}
