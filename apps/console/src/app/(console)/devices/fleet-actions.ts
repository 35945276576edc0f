"use server";

import { revalidatePath } from "next/cache";
import { requireUser } from "@/server/auth/session";
import { getContext } from "@/server/get-context";
import { parsePinTarget, pinDevice, unpinDevice } from "@/server/services/device-pin";
import { changeDeviceTags, parseTagAssignment } from "@/server/services/device-tags";
import { formText, runAction, type ActionResult } from "../../_shared/action-result";

function words(text: string): string[] {
  return text.split(/[\s,]+/).filter(Boolean);
}

/**
 * Tags the devices named by the form's `deviceIds` (the device list's checkboxes, or the device
 * page's one hidden field): `set` holds `key=value …`, `remove` keys.
 */
export async function tagDevicesAction(_prev: ActionResult<{ tagged: number; deployments: number }> | null, form: FormData): Promise<ActionResult<{ tagged: number; deployments: number }>> {
  return runAction(async () => {
    const user = await requireUser("admin");
    const deviceIds = form.getAll("deviceIds").filter((v): v is string => typeof v === "string" && v !== "");
    const set = Object.fromEntries(words(formText(form, "set")).map(parseTagAssignment));
    const out = await changeDeviceTags(await getContext(), { deviceIds, set, remove: words(formText(form, "remove")) }, user.email);
    revalidatePath("/devices", "layout");
    revalidatePath("/groups", "layout");
    return { tagged: out.devices.length, deployments: out.deployments.length };
  });
}

export async function pinDeviceAction(_prev: ActionResult<null> | null, form: FormData): Promise<ActionResult<null>> {
  return runAction(async () => {
    const user = await requireUser("admin");
    const deviceId = formText(form, "deviceId");
    const target = formText(form, "target");
    await pinDevice(await getContext(), deviceId, target ? parsePinTarget(target) : undefined, user.email);
    revalidatePath(`/devices/${deviceId}`);
    return null;
  });
}

export async function unpinDeviceAction(_prev: ActionResult<null> | null, form: FormData): Promise<ActionResult<null>> {
  return runAction(async () => {
    const user = await requireUser("admin");
    const deviceId = formText(form, "deviceId");
    await unpinDevice(await getContext(), deviceId, user.email);
    revalidatePath(`/devices/${deviceId}`);
    return null;
  });
}
