"use client";

import { RouteError } from "@/components/ui/route-error";

export default function RulesError({ error, retry }: { error: unknown; retry: () => void }) {
  return <RouteError error={error} retry={retry} what="rules" />;
}
