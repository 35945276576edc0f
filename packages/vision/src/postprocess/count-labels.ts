/** How many of each label: `{person: 2, dog: 1}` (InferenceResult's `counts`). */
export function countLabels(items: readonly { label: string }[]): Record<string, number> {
  const tally = new Map<string, number>();
  for (const { label } of items) tally.set(label, (tally.get(label) ?? 0) + 1);
  const counts: Record<string, number> = {};
  // Why defineProperty: labels are user data, and `counts["__proto__"] = 1` would set the prototype.
  for (const [label, n] of tally) Object.defineProperty(counts, label, { value: n, enumerable: true, writable: true, configurable: true });
  return counts;
}
