/**
 * Uploads with XMLHttpRequest because fetch() reports no upload progress. Resolves with the
 * parsed JSON body; rejects with the API's error message (`{error: {code, message, context}}`).
 */
export type ApiError = Error & { code?: string; context?: Record<string, unknown>; status?: number };

export function xhrUpload(method: "POST" | "PUT", url: string, body: Blob, onProgress: (loaded: number, total: number) => void, contentType = "application/octet-stream"): Promise<unknown> {
  return new Promise((resolve, reject) => {
    const xhr = new XMLHttpRequest();
    xhr.open(method, url);
    xhr.setRequestHeader("content-type", contentType);
    xhr.upload.onprogress = (e) => {
      if (e.lengthComputable) onProgress(e.loaded, e.total);
    };
    xhr.onload = () => {
      let parsed: unknown = null;
      try {
        parsed = xhr.responseText ? JSON.parse(xhr.responseText) : null;
      } catch {
        parsed = null;
      }
      if (xhr.status >= 200 && xhr.status < 300) return resolve(parsed);
      reject(toApiError(parsed, xhr.status));
    };
    xhr.onerror = () => reject(Object.assign(new Error("The upload failed: the console could not be reached"), { status: 0 }));
    xhr.onabort = () => reject(new Error("The upload was cancelled"));
    xhr.send(body);
  });
}

export function toApiError(body: unknown, status: number): ApiError {
  const e = (body as { error?: { code?: string; message?: string; context?: Record<string, unknown> } } | null)?.error;
  const err: ApiError = new Error(e?.message ?? `HTTP ${status}`);
  if (e?.code) err.code = e.code;
  if (e?.context) err.context = e.context;
  err.status = status;
  return err;
}

export async function fetchJson(url: string, init?: RequestInit): Promise<unknown> {
  const res = await fetch(url, { ...init, headers: { "content-type": "application/json", ...init?.headers } });
  const body: unknown = await res.json().catch(() => null);
  if (!res.ok) throw toApiError(body, res.status);
  return body;
}
