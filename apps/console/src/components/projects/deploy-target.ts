import type { ActionResult } from "../ui/action-result";

/** A device as the deploy dialog lists it. */
export type DeployTarget = { id: string; name: string; presence: string; project: string | null };

/** A fleet can have thousands of devices: the picker shows at most this many; the search finds the rest. */
export const DEPLOY_PICKER_MAX = 100;

export type SearchDeployTargets = (q: string) => Promise<ActionResult<{ items: DeployTarget[]; total: number }>>;
