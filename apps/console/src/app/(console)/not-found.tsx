import { LinkButton } from "@/components/ui/button";
import { EmptyState } from "@/components/ui/empty-state";

export default function NotFound() {
  return (
    <EmptyState title="Not found" action={<LinkButton href="/">Back to the dashboard</LinkButton>}>
      The page or the thing it names does not exist (it may have been deleted).
    </EmptyState>
  );
}
