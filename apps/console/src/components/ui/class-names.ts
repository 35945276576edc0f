/** Joins the truthy class names; conditional classes read better than template strings. */
export function joinClasses(...parts: Array<string | false | null | undefined>): string {
  return parts.filter(Boolean).join(" ");
}
