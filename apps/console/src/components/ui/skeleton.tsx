import { joinClasses } from "./class-names";

export function Skeleton({ className }: { className?: string }) {
  return <div className={joinClasses("animate-pulse rounded-md bg-slate-200/70", className)} />;
}

/** The loading state every list page shares: a header bar and some rows. */
export function PageSkeleton({ rows = 5, label = "Loading" }: { rows?: number; label?: string }) {
  return (
    <div role="status" aria-label={label} data-testid="loading">
      <Skeleton className="mb-2 h-7 w-48" />
      <Skeleton className="mb-6 h-4 w-72" />
      <div className="space-y-2 rounded-lg border border-slate-200 bg-white p-4">
        {Array.from({ length: rows }, (_, i) => (
          <Skeleton key={i} className="h-8 w-full" />
        ))}
      </div>
      <span className="sr-only">{label}…</span>
    </div>
  );
}
