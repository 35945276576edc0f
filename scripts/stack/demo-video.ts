/** The demo camera plays vtest.avi, located by the same media module the tests use. */
import { mediaPath } from "@edgelens/vision/media";

export async function findDemoVideo(): Promise<string> {
  return mediaPath("vtest.avi");
}
