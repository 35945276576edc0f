/** The device page's line about a face-recognition project's gallery (components/devices/gallery-status). */
import { describe, expect, it } from "vitest";
import { galleryStatus } from "../src/components/devices/gallery-status";

const A = "a".repeat(64);
const B = "b".repeat(64);

describe("galleryStatus", () => {
  it("says nothing for a project without a gallery", () => {
    expect(galleryStatus(null, undefined, true)).toBeNull();
  });
  it("is up to date only when the device reports the gallery the console sends", () => {
    expect(galleryStatus(A, A, true)).toEqual({ tone: "ok", text: "Face gallery up to date (aaaaaaaaaaaa)" });
    expect(galleryStatus(A, B, true)).toEqual({ tone: "pending", text: "Face gallery updating: the device uses bbbbbbbbbbbb, aaaaaaaaaaaa sent" });
  });
  it("does not claim what it cannot know: no report of this deployment yet, or an agent that does not report galleries", () => {
    expect(galleryStatus(A, A, false)).toEqual({ tone: "pending", text: "Face gallery aaaaaaaaaaaa sent" });
    expect(galleryStatus(A, undefined, true)?.text).toBe("Face gallery aaaaaaaaaaaa sent; this agent does not report the gallery it uses");
  });
});
