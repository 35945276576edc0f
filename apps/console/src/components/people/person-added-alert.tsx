import type { ActionResult } from "../ui/action-result";
import { Alert } from "../ui/alert";

/** The outcome of adding photos or a picked face to a person: the error, or the new photo count. */
export function PersonAddedAlert({ state }: { state: ActionResult<{ name: string; photos: number }> | null }) {
  if (!state) return null;
  if (!state.ok) return <Alert tone="error">{state.error}</Alert>;
  return (
    <Alert tone="success">
      {state.data.name} now has {state.data.photos} photo{state.data.photos === 1 ? "" : "s"}.
    </Alert>
  );
}
