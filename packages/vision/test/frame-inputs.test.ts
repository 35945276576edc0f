import { describe, expect, it } from "vitest";
import { visionHelpers } from "../src/index";
import { ensureSampleModels, getSampleModel } from "../src/models/index";
import { createOrtModelRunner } from "../src/onnx/index";
import { createTensorPool, prepareRequests, toInputRequest } from "../src/preprocess/index";
import { createFrameInputs } from "../src/project/frame-inputs";

function frameOf(seed: number, width = 40, height = 30) {
  const data = new Uint8Array(width * height * 3);
  for (let i = 0; i < data.length; i++) data[i] = (i * 31 + seed * 17) & 255;
  return { data, width, height };
}

describe("model inputs prepared ahead and reused", () => {
  it("computes into reused buffers the same tensors as fresh ones, frame after frame", () => {
    const inputs = createFrameInputs(visionHelpers);
    let previous: Float32Array | Int32Array | undefined;
    for (let seed = 0; seed < 3; seed++) {
      const f = frameOf(seed);
      inputs.begin(f, undefined);
      const got = inputs.helpers.letterbox(f, 16, 16, { dtype: "int32" });
      const fresh = visionHelpers.letterbox(f, 16, 16, { dtype: "int32" });
      expect(got.tensor.data).toEqual(fresh.tensor.data);
      expect(got.transform).toEqual(fresh.transform);
      // From the second frame on the buffer of the frame before is reused.
      if (seed > 0) expect(got.tensor.data).toBe(previous);
      previous = got.tensor.data;
    }
  });

  it("returns an input prepared for the frame, records repeatable requests, and leaves other images alone", () => {
    const inputs = createFrameInputs(visionHelpers);
    const f = frameOf(1);
    const request = toInputRequest(16, 8, "stretch", { normalize: "symmetric" })!;
    const pool = createTensorPool({ memory: (bytes) => new SharedArrayBuffer(bytes) });
    const prepared = prepareRequests(f, [request], pool.allocate);
    inputs.begin(f, prepared);
    const got = inputs.helpers.resize(f, 16, 8, { normalize: "symmetric" });
    expect(got).toBe(prepared[0]!.prepared);
    expect(got.tensor.data).toEqual(visionHelpers.resize(f, 16, 8, { normalize: "symmetric" }).tensor.data);
    inputs.helpers.resize(f, 8, 8, { roi: { x: 0, y: 0, width: 10, height: 10 } });
    const other = frameOf(2);
    const notPrepared = inputs.helpers.resize(other, 16, 8, { normalize: "symmetric" });
    expect(notPrepared).not.toBe(got);
    expect(notPrepared.tensor.data).toEqual(visionHelpers.resize(other, 16, 8, { normalize: "symmetric" }).tensor.data);
    expect(inputs.hits).toBe(1);
    expect(inputs.requests()).toEqual([request]);
  });

  it("runs a model on an input in shared memory with the same outputs as on its own copy", async () => {
    await ensureSampleModels();
    const runner = await createOrtModelRunner(getSampleModel("blazeface").path, { name: "faces", threads: 1 });
    try {
      const { tensor } = visionHelpers.letterbox(frameOf(3, 64, 48), 256, 256, { normalize: "symmetric" });
      const shared = new Float32Array(new SharedArrayBuffer(tensor.data.byteLength));
      shared.set(tensor.data as Float32Array);
      const own = await runner.run({ input: tensor });
      const fromShared = await runner.run({ input: { ...tensor, data: shared } });
      for (const name of Object.keys(own)) expect(fromShared[name]!.data).toEqual(own[name]!.data);
    } finally {
      await runner.dispose();
    }
  });
});
