/** Request bodies and query strings, validated with zod at the HTTP boundary. */
import type { z } from "zod";
import { EdgelensError } from "@edgelens/shared";

const MAX_JSON_BYTES = 2 * 1024 * 1024;

export async function readJson<S extends z.ZodType>(req: Request, schema: S): Promise<z.output<S>> {
  const type = req.headers.get("content-type") ?? "";
  if (!/^application\/json\b/i.test(type)) throw new EdgelensError("INVALID_PAYLOAD", `send a JSON body with Content-Type: application/json (got ${type || "none"})`);
  const declared = Number(req.headers.get("content-length") ?? "0");
  if (declared > MAX_JSON_BYTES) throw new EdgelensError("TOO_LARGE", `JSON bodies are limited to ${MAX_JSON_BYTES} bytes`);
  const text = await req.text();
  if (Buffer.byteLength(text) > MAX_JSON_BYTES) throw new EdgelensError("TOO_LARGE", `JSON bodies are limited to ${MAX_JSON_BYTES} bytes`);
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (err) {
    throw new EdgelensError("INVALID_PAYLOAD", `the body is not valid JSON: ${(err as Error).message}`);
  }
  return schema.parse(data);
}

/** The request's Content-Length, when it sent a valid one (a chunked body has none). */
export function declaredLength(req: Request): number | undefined {
  const raw = req.headers.get("content-length");
  return raw !== null && /^[0-9]{1,15}$/.test(raw) ? Number(raw) : undefined;
}

/** Query parameters as an object (last value wins); empty values count as absent. */
export function readQuery<S extends z.ZodType>(req: Request, schema: S): z.output<S> {
  const params: Record<string, string> = {};
  for (const [k, v] of new URL(req.url).searchParams) if (v !== "") params[k] = v;
  return schema.parse(params);
}
