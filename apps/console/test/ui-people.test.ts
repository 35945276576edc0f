/**
 * The People page in Debian's Chromium against the real console (`next start` of the run's build):
 * photos uploaded through the form are described on the server; a photo without a face is refused
 * naming it; a person is removed with the confirmation dialog.
 */
import { mkdtempSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { decodeImage, encodeJpeg } from "@edgelens/vision/image";
import { resizeImage } from "@edgelens/vision/preprocess";
import type { Browser, Page } from "playwright-core";
import { faceMediaPath, mediaPath } from "@edgelens/vision/media";
import { ensureSampleModels } from "@edgelens/vision/models";
import { launchBrowser, newContext, screenshot, watchErrors } from "./ui-support/browser";
import { goto, signIn } from "./ui-support/pages";
import { ADMIN_EMAIL, ADMIN_PASSWORD, startConsoleFixture, type ConsoleFixture } from "./support/console-fixture";
import { events } from "@edgelens/db";
import { topics } from "@edgelens/shared/topics";
import { loadConsoleConfig } from "../src/env";
import { closeContext, createContext } from "../src/server/build-context";
import { storeArtifactBytes } from "../src/server/storage/artifacts";
import { twoFaceSnapshot } from "./support/face-snapshot";
import { TEST_SECRET } from "./support/temp-context";

describe("People page", () => {
  let f: ConsoleFixture;
  let browser: Browser;
  let page: Page;
  let errors: string[];

  beforeAll(async () => {
    await ensureSampleModels();
    f = await startConsoleFixture("ui-people");
    browser = await launchBrowser();
    page = await (await newContext(browser)).newPage();
    errors = watchErrors(page);
    await signIn(page, f.server.url, ADMIN_EMAIL, ADMIN_PASSWORD, "/people");
  }, 600_000);
  afterAll(async () => {
    await browser?.close();
    await f?.close();
  });

  it("adds a person from two photos of the same player, shows the count, and refuses a photo with no face by name", async () => {
    await goto(page, f.server.url, "/people");
    await page.fill("#person-name", "player");
    await page.setInputFiles("#person-photos", [faceMediaPath("basketball1.png"), faceMediaPath("basketball2.png")]);
    await page.getByTestId("person-add").click();
    await page.getByText("player now has 2 photos.").waitFor({ timeout: 60_000 });
    await expect.poll(async () => page.getByTestId("person-row-player").innerText(), { timeout: 20_000 }).toMatch(/player\s+2/);

    await page.fill("#person-name", "page");
    await page.setInputFiles("#person-photos", [mediaPath("imageTextN.png")]);
    await page.getByTestId("person-add").click();
    await page.getByText("gallery photo imageTextN.png: no face found, expected exactly one").waitFor({ timeout: 60_000 });
    expect(await page.getByTestId("person-row-page").count()).toBe(0);
  }, 180_000);

  it("takes a photo past Next's 1 MB server-action default: the player in basketball2.png upscaled 6x, JPEG quality 100", async () => {
    const big = join(mkdtempSync(join(tmpdir(), "edgelens-big-photo-")), "big.jpg");
    const frame = await decodeImage(faceMediaPath("basketball2.png"));
    writeFileSync(big, await encodeJpeg(resizeImage(frame, frame.width * 6, frame.height * 6).image, { quality: 100 }));
    expect(statSync(big).size).toBeGreaterThan(1024 * 1024);
    await page.fill("#person-name", "player");
    await page.setInputFiles("#person-photos", [big]);
    await page.getByTestId("person-add").click();
    await page.getByText("player now has 3 photos.").waitFor({ timeout: 60_000 });
    await screenshot(page, "people");
  }, 120_000);

  it("picks Messi's face from an event snapshot with two faces, reached from the events page", async () => {
    // A second connection to the console's data dir, as the broker has: it stores an event's snapshot there.
    const ctx = createContext(loadConsoleConfig({ EDGELENS_DATA_DIR: f.dataDir, EDGELENS_SECRET: TEST_SECRET, EDGELENS_BROKER_URL: "mqtt://127.0.0.1:9" }), { mqttConnectTimeoutMs: 1500 });
    try {
      const sha256 = (await storeArtifactBytes(ctx, await twoFaceSnapshot(), "snapshot")).sha256;
      ctx.db.insert(events).values({ ruleName: "keep-faces", topic: topics.infer("gate-cam"), deviceId: "gate-cam", labels: "face", payload: {}, snapshotSha256: sha256, ts: Date.now() }).run();
    } finally {
      await closeContext(ctx);
    }
    await goto(page, f.server.url, "/events");
    await page.getByTestId("snapshot-pick-face").first().click();
    await page.getByTestId("snapshot-face-picker").waitFor({ timeout: 60_000 });
    expect(await page.locator('[data-testid^="snapshot-face-box-"]').count()).toBe(2);
    // The add button waits for a choice; a click on the framed face makes it.
    expect(await page.getByTestId("snapshot-face-add").isDisabled()).toBe(true);
    await page.getByTestId("snapshot-face-box-2").click();
    expect(await page.getByTestId("snapshot-face-2").isChecked()).toBe(true);
    await page.fill("#snapshot-person", "Messi");
    await screenshot(page, "people-snapshot-faces");
    await page.getByTestId("snapshot-face-add").click();
    await page.getByText("Messi now has 1 photo.").waitFor({ timeout: 60_000 });
    await expect.poll(async () => page.getByTestId("person-row-Messi").innerText(), { timeout: 20_000 }).toMatch(/Messi\s+1/);

    // Back to the list: the snapshot is offered there too.
    await goto(page, f.server.url, "/people");
    expect(await page.getByTestId("face-snapshot").count()).toBe(1);
    await page.getByTestId("person-remove-Messi").click();
    await page.getByRole("dialog").getByRole("button", { name: "Remove" }).click();
    await page.getByTestId("person-row-Messi").waitFor({ state: "detached", timeout: 20_000 });
  }, 180_000);

  it("removes a person after the confirmation", async () => {
    await page.getByTestId("person-remove-player").click();
    await page.getByRole("dialog").getByRole("button", { name: "Remove" }).click();
    await page.getByText("No people yet").waitFor({ timeout: 20_000 });
    // No broker runs here: the layout's live WebSocket to it failing is expected, nothing else is.
    expect(errors.filter((e) => !e.includes("WebSocket connection to"))).toEqual([]);
  }, 60_000);
});
