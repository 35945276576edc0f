/** How many of each label: `{person: 2, dog: 1}` (InferenceResult's `counts`). */
export function countLabels(items: readonly { label: string }[]): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const { label } of items) counts[label] = (counts[label] ?? 0) + 1;
  return counts;
}
