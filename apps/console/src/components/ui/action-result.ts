/**
 * What every server action of the pages returns: data, or an error the form shows with its
 * code and context (SERVICES.md "Errors"). Plain data, so client components can hold it.
 */
export type ActionResult<T = undefined> =
  | { ok: true; data: T }
  | { ok: false; error: string; code: string; context?: Record<string, unknown> };

export type ActionFn<T> = (prev: ActionResult<T> | null, form: FormData) => Promise<ActionResult<T>>;
