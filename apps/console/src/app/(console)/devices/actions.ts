"use server";

import { revalidatePath } from "next/cache";
import type { DeviceFile, StreamRequest } from "@edgelens/shared";
import { requireUser } from "@/server/auth/session";
import { getContext } from "@/server/get-context";
import { addCamera, removeCamera } from "@/server/services/cameras";
import { deployProject, removeProject, undeployProject } from "@/server/services/deployments";
import { followGroups } from "@/server/services/group-deployments";
import { deregisterDevice, registerDevice, renameDevice, requestStream, sendCommand } from "@/server/services/devices";
import { formText, runAction, type ActionResult } from "../../_shared/action-result";

export async function registerDeviceAction(_prev: ActionResult<{ deviceFile: DeviceFile }> | null, form: FormData): Promise<ActionResult<{ deviceFile: DeviceFile }>> {
  return runAction(async () => {
    const user = await requireUser("admin");
    const name = formText(form, "name");
    const ctx = await getContext();
    const { deviceFile, device } = await registerDevice(ctx, { id: formText(form, "id"), ...(name ? { name } : {}) });
    // A group whose query matches it deploys to it; that must not cost the one-time device file.
    await followGroups(ctx, [device.id], user.email).catch((err: unknown) => console.warn(`edgelens: groups of ${device.id} not followed: ${(err as Error).message}`));
    revalidatePath("/devices");
    return { deviceFile };
  });
}

export async function renameDeviceAction(id: string, name: string): Promise<ActionResult<null>> {
  return runAction(async () => {
    const user = await requireUser("admin");
    const ctx = await getContext();
    renameDevice(ctx, id, name);
    await followGroups(ctx, [id], user.email);
    revalidatePath(`/devices/${id}`);
    return null;
  });
}

export async function deregisterDeviceAction(id: string): Promise<ActionResult<{ warning: string | null }>> {
  return runAction(async () => {
    await requireUser("admin");
    const { warning } = await deregisterDevice(await getContext(), id);
    revalidatePath("/devices");
    return { warning };
  });
}

export async function deployToDeviceAction(deviceId: string, projectId: string, version: number | null): Promise<ActionResult<{ deploymentId: string }>> {
  return runAction(async () => {
    const user = await requireUser("admin");
    const [d] = await deployProject(await getContext(), { projectId, deviceIds: [deviceId], ...(version ? { version } : {}) }, user.email);
    revalidatePath(`/devices/${deviceId}`);
    return { deploymentId: d?.id ?? "" };
  });
}

export async function removeProjectAction(deviceId: string): Promise<ActionResult<null>> {
  return runAction(async () => {
    const user = await requireUser("admin");
    await removeProject(await getContext(), { deviceIds: [deviceId] }, user.email);
    revalidatePath(`/devices/${deviceId}`);
    return null;
  });
}

export async function undeployProjectAction(deviceId: string, projectId: string): Promise<ActionResult<null>> {
  return runAction(async () => {
    const user = await requireUser("admin");
    await undeployProject(await getContext(), { projectId, deviceIds: [deviceId] }, user.email);
    revalidatePath(`/devices/${deviceId}`);
    return null;
  });
}

export async function restartProjectAction(deviceId: string): Promise<ActionResult<null>> {
  return runAction(async () => {
    await requireUser("admin");
    await sendCommand(await getContext(), deviceId, "restart-project");
    return null;
  });
}

/** Watching is reading: any signed-in user may ask a device for preview frames. */
export async function requestStreamAction(deviceId: string, stream: "project" | "device", seconds: number): Promise<ActionResult<StreamRequest>> {
  return runAction(async () => {
    await requireUser();
    return requestStream(await getContext(), deviceId, { stream, seconds });
  });
}

export async function addCameraAction(deviceId: string, name: string, uri: string): Promise<ActionResult<null>> {
  return runAction(async () => {
    await requireUser("admin");
    await addCamera(await getContext(), deviceId, { name, uri });
    revalidatePath(`/devices/${deviceId}`);
    return null;
  });
}

export async function removeCameraAction(deviceId: string, name: string): Promise<ActionResult<null>> {
  return runAction(async () => {
    await requireUser("admin");
    await removeCamera(await getContext(), deviceId, name);
    revalidatePath(`/devices/${deviceId}`);
    return null;
  });
}
