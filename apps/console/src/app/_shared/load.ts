import { notFound } from "next/navigation";
import { toEdgelensError } from "@/server/http/errors";

/** A service lookup for a page: NOT_FOUND becomes the 404 page, anything else the error boundary. */
export async function loadOrNotFound<T>(load: () => Promise<T> | T): Promise<T> {
  try {
    return await load();
  } catch (err) {
    if (toEdgelensError(err).code === "NOT_FOUND") notFound();
    throw err;
  }
}
