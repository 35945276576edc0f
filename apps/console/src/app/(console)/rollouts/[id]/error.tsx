"use client";

import { RouteError } from "@/components/ui/route-error";

export default function RolloutsItemError({ error, retry }: { error: unknown; retry: () => void }) {
  return <RouteError error={error} retry={retry} what="this rollout" />;
}
