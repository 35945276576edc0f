export type Preview = { kind: "json"; text: string } | { kind: "text"; text: string } | { kind: "binary"; text: string };

const JPEG = [0xff, 0xd8, 0xff];

/** How a message payload is shown: pretty JSON, text, or a one-line note for binary (JPEG frames). */
export function previewPayload(payload: Uint8Array): Preview {
  if (payload.length >= 3 && JPEG.every((b, i) => payload[i] === b)) return { kind: "binary", text: `JPEG image, ${payload.length} bytes` };
  let text: string;
  try {
    text = new TextDecoder("utf-8", { fatal: true }).decode(payload);
  } catch {
    return { kind: "binary", text: `binary, ${payload.length} bytes` };
  }
  if (text.length === 0) return { kind: "text", text: "(empty: clears a retained message)" };
  try {
    return { kind: "json", text: JSON.stringify(JSON.parse(text), null, 2) };
  } catch {
    return { kind: "text", text };
  }
}
