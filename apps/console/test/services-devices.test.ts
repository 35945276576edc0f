import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DeviceFileSchema } from "@edgelens/shared";
import { deregisterDevice, getDevice, listDevices, registerDevice, renameDevice, requestStream, rotateDeviceSecret, verifyDeviceCredentials } from "../src/server/services/devices";
import { deployProject, getDeployment } from "../src/server/services/deployments";
import { createProject } from "../src/server/services/projects";
import { tempContext, type TempContext } from "./support/temp-context";

describe("devices (no broker reachable)", () => {
  let t: TempContext;
  beforeAll(() => {
    t = tempContext({ EDGELENS_CONSOLE_URL: "http://console.local:3000" });
  });
  afterAll(async () => t.cleanup());

  it("registers a device and shows its secret only in the device file", async () => {
    const { device, deviceFile } = await registerDevice(t.ctx, { id: "cam-01", name: "Front door" });
    expect(DeviceFileSchema.parse(deviceFile)).toEqual({ deviceId: "cam-01", secret: deviceFile.secret, brokerUrl: "mqtt://127.0.0.1:9", consoleUrl: "http://console.local:3000" });
    expect(device).toMatchObject({ id: "cam-01", name: "Front door", registration: "awaiting-credentials", presence: "offline", deployment: null, latestDeployment: null, fps: null });
    expect(JSON.stringify(listDevices(t.ctx))).not.toContain(deviceFile.secret);
    expect(await verifyDeviceCredentials(t.ctx, "cam-01", deviceFile.secret)).toBe(true);
    expect(await verifyDeviceCredentials(t.ctx, "cam-01", "not-the-secret-at-all")).toBe(false);
  });

  it("refuses bad ids and duplicates, naming the problem", async () => {
    await expect(registerDevice(t.ctx, { id: "Cam_01" })).rejects.toThrow(/device id must be/);
    await expect(registerDevice(t.ctx, { id: "cam-01" })).rejects.toMatchObject({ code: "CONFLICT", context: { deviceId: "cam-01" } });
  });

  it("rotates the secret: the old one stops working at once, even when cached", async () => {
    const again = await registerDevice(t.ctx, { id: "cam-02" });
    expect(await verifyDeviceCredentials(t.ctx, "cam-02", again.deviceFile.secret)).toBe(true);
    const rotated = await rotateDeviceSecret(t.ctx, "cam-02");
    expect(await verifyDeviceCredentials(t.ctx, "cam-02", again.deviceFile.secret)).toBe(false);
    expect(await verifyDeviceCredentials(t.ctx, "cam-02", rotated.deviceFile.secret)).toBe(true);
    expect(renameDevice(t.ctx, "cam-02", "  Yard ").name).toBe("Yard");
  });

  it("reports an unreachable broker by name instead of hanging", async () => {
    await expect(requestStream(t.ctx, "cam-01", { stream: "project", seconds: 10 })).rejects.toThrow(/mqtt:\/\/127.0.0.1:9.*EDGELENS_BROKER_URL/);
  });

  it("fails deployments visibly, with the reason, when the broker cannot be reached", async () => {
    await createProject(t.ctx, { name: "blank" });
    await registerDevice(t.ctx, { id: "cam-03" });
    const deps = await deployProject(t.ctx, { projectId: "blank", deviceIds: ["cam-02", "cam-03"] });
    expect(deps.map((d) => d.state)).toEqual(["failed", "failed"]);
    expect(deps[1]?.reason).toMatch(/desired state not published: cannot reach the MQTT broker at mqtt:\/\/127.0.0.1:9/);
    expect(getDeployment(t.ctx, deps[0]!.id).events.map((e) => e.state)).toEqual(["queued", "failed"]);
    expect(getDevice(t.ctx, "cam-03")).toMatchObject({ deployment: null, latestDeployment: { state: "failed", projectId: "blank" } });
  });

  it("deregisters even without the broker, and says what was not cleared", async () => {
    const result = await deregisterDevice(t.ctx, "cam-01");
    expect(result.brokerCleared).toBe(false);
    expect(result.warning).toMatch(/cam-01 removed/);
    expect(() => getDevice(t.ctx, "cam-01")).toThrow(/no device cam-01/);
    expect(await verifyDeviceCredentials(t.ctx, "cam-01", "anything-at-all-123")).toBe(false);
  });
});
