"use server";

import { revalidatePath } from "next/cache";
import { requireUser } from "@/server/auth/session";
import { getContext } from "@/server/get-context";
import { addPersonPhotos, removePerson } from "@/server/services/people";
import { addPersonFromSnapshot } from "@/server/services/snapshot-faces";
import { formText, runAction, type ActionResult } from "../../_shared/action-result";

/** Name and photos from the form; every photo is described here and must show exactly one face. */
export async function addPersonAction(_prev: ActionResult<{ name: string; photos: number }> | null, form: FormData): Promise<ActionResult<{ name: string; photos: number }>> {
  return runAction(async () => {
    await requireUser("admin");
    const files = form.getAll("photos").filter((f): f is File => typeof f !== "string" && f.size > 0);
    const photos = await Promise.all(files.map(async (f) => ({ name: f.name, bytes: new Uint8Array(await f.arrayBuffer()) })));
    const person = await addPersonPhotos(await getContext(), formText(form, "name"), photos);
    revalidatePath("/people");
    return { name: person.name, photos: person.photos };
  });
}

export async function removePersonAction(name: string): Promise<ActionResult<null>> {
  return runAction(async () => {
    await requireUser("admin");
    await removePerson(await getContext(), name);
    revalidatePath("/people");
    return null;
  });
}

/** A face picked on an event snapshot: the server finds the faces again and takes the numbered one. */
export async function addSnapshotFaceAction(_prev: ActionResult<{ name: string; photos: number }> | null, form: FormData): Promise<ActionResult<{ name: string; photos: number }>> {
  return runAction(async () => {
    await requireUser("admin");
    const person = await addPersonFromSnapshot(await getContext(), formText(form, "name"), formText(form, "snapshot"), Number(formText(form, "face")));
    revalidatePath("/people");
    return { name: person.name, photos: person.photos };
  });
}
