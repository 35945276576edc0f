/**
 * face-recognition's stages (src/face-recognition): alignment geometry, tensors, faceres decoding
 * and gallery matching as pure functions; then the whole chain on real photos with the real models.
 */
import sharp from "sharp";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { decodeImage } from "../src/image/index";
import { faceMediaPath, mediaPath } from "../src/media/index";
import { ensureSampleModels, getSampleModel } from "../src/models/index";
import { createOrtModelRunner } from "../src/onnx/index";
import {
  alignFace,
  decodeEmotion,
  decodeFaceRes,
  describeFaces,
  describeGalleryPhoto,
  descriptorDistance,
  emotionToTensor,
  FACE_MATCH_THRESHOLD,
  faceResToTensor,
  matchGallery,
  normalizeDescriptor,
  type FaceModels,
} from "../src/face-recognition/index";

const grey = (w: number, h: number) => ({ data: new Uint8Array(w * h * 3).fill(128), width: w, height: h });
const face = (eyes: [number, number, number, number], mouth: [number, number]) => ({
  landmarks: [
    { name: "right_eye", x: eyes[0], y: eyes[1] },
    { name: "left_eye", x: eyes[2], y: eyes[3] },
    { name: "mouth_center", x: mouth[0], y: mouth[1] },
  ],
});

describe("alignFace", () => {
  it("keeps an upright face upright: a square around the face, eye line level, scaled by the eye-to-mouth span", () => {
    const a = alignFace(grey(200, 200), face([80, 90, 120, 90], [100, 130]), { size: 64 });
    expect(a.roll).toBeCloseTo(0, 6);
    // span 40, centre 0.3 span below the eyes, side 3.2 x 40.
    expect(a.quad.map((p) => p.map((v) => Math.round(v * 10) / 10))).toEqual([[36, 38], [164, 38], [164, 166], [36, 166]]);
    expect([a.image.width, a.image.height]).toEqual([64, 64]);
  });

  it("turns a face leaning 30° clockwise back upright: the crop's top edge follows the eye line", () => {
    const t = (30 * Math.PI) / 180;
    const at = (x: number, y: number): [number, number] => [100 + x * Math.cos(t) - y * Math.sin(t), 100 + x * Math.sin(t) + y * Math.cos(t)];
    const [r, l, m] = [at(-20, 0), at(20, 0), at(0, 40)];
    const a = alignFace(grey(200, 200), face([r[0], r[1], l[0], l[1]], m), { size: 32 });
    expect(a.roll).toBeCloseTo(30, 6);
    const [tl, tr] = a.quad;
    expect((Math.atan2(tr[1] - tl[1], tr[0] - tl[0]) * 180) / Math.PI).toBeCloseTo(30, 6);
  });

  it("refuses a detection without eye landmarks, naming the landmark", () => {
    expect(() => alignFace(grey(10, 10), { landmarks: [] })).toThrow(expect.objectContaining({ code: "INVALID_PAYLOAD", message: expect.stringContaining("right_eye") }));
  });
});

describe("tensors and decoding", () => {
  it("faceResToTensor keeps 0..255 RGB in NHWC; emotionToTensor gives luma in [-1, 1]", () => {
    const img = { data: Uint8Array.from([255, 255, 255, 0, 0, 0, 255, 0, 0, 0, 0, 255]), width: 2, height: 2 };
    expect(faceResToTensor(img)).toMatchObject({ dims: [1, 2, 2, 3], data: Float32Array.from(img.data) });
    const e = emotionToTensor(img);
    expect(e.dims).toEqual([1, 2, 2, 1]);
    expect(Array.from(e.data as Float32Array).map((v) => Math.round(v * 1000) / 1000)).toEqual([1, -1, -0.402, -0.772]);
  });

  it("decodeFaceRes: unit descriptor, age as the softmax's expectation, gender from the sigmoid", () => {
    const ages = new Float32Array(100);
    ages[30] = 0.5;
    ages[40] = 0.5;
    const r = decodeFaceRes({
      g: { data: Float32Array.of(0.2), dims: [1, 1] },
      d: { data: Float32Array.from({ length: 1024 }, (_, i) => (i === 0 ? 3 : i === 1 ? 4 : 0)), dims: [1, 1024] },
      a: { data: ages, dims: [1, 100] },
    });
    expect([r.descriptor[0], r.descriptor[1], r.age, r.gender, r.genderScore]).toEqual([Math.fround(0.6), Math.fround(0.8), 35, "female", 0.6]);
  });

  it("decodeFaceRes names the head it misses; normalizeDescriptor refuses all zeros", () => {
    expect(() => decodeFaceRes({ g: { data: Float32Array.of(0.2), dims: [1, 1] } })).toThrow(/\[1,1024\] descriptor/);
    expect(() => normalizeDescriptor(new Float32Array(4))).toThrow(expect.objectContaining({ code: "INVALID_PAYLOAD" }));
  });

  it("decodeEmotion sorts the seven classes, most likely first", () => {
    const out = decodeEmotion({ data: Float32Array.of(0.05, 0, 0.05, 0.7, 0.1, 0, 0.1), dims: [1, 7] });
    expect(out[0]).toEqual({ emotion: "happy", score: Math.fround(0.7) });
    expect(out).toHaveLength(7);
  });
});

describe("matchGallery", () => {
  const gallery = { people: [{ name: "ann", descriptors: [[1, 0, 0], [0.8, 0.6, 0]] }, { name: "bob", descriptors: [[0, 0, 1]] }] };

  it("gives the person of the nearest photo within the threshold, else null with the distance", () => {
    expect(matchGallery([0.6, 0.8, 0], gallery, 0.5)).toEqual({ name: "ann", nearest: "ann", distance: expect.closeTo(Math.hypot(0.2, 0.2), 9) });
    const far = matchGallery([0, 1, 0], gallery, 0.5);
    expect(far.name).toBeNull();
    expect(far.nearest).toBe("ann");
    expect(far.distance).toBeCloseTo(Math.hypot(0.8, 0.4), 9);
  });

  it("an empty gallery knows nobody; a bad threshold or descriptor length is refused", () => {
    expect(matchGallery([1, 0, 0], { people: [] }, 0.9)).toEqual({ name: null, nearest: null, distance: Number.POSITIVE_INFINITY });
    expect(() => matchGallery([1, 0, 0], gallery, 0)).toThrow(expect.objectContaining({ code: "INVALID_CONFIG" }));
    expect(() => descriptorDistance([1], [1, 2])).toThrow(/lengths differ/);
  });
});

describe("real photos through BlazeFace -> alignment -> faceres", () => {
  let models: FaceModels;
  beforeAll(async () => {
    await ensureSampleModels();
    models = {
      detector: await createOrtModelRunner(getSampleModel("blazeface").path, { name: "blazeface", threads: 1 }),
      descriptor: await createOrtModelRunner(getSampleModel("faceres").path, { name: "faceres", threads: 1 }),
    };
  }, 120_000);
  afterAll(async () => {
    await models?.detector.dispose();
    await models?.descriptor.dispose();
  });

  const one = async (input: string | Uint8Array) => (await describeGalleryPhoto(await decodeImage(input), models, "photo")).descriptor;

  it("the same player in two frames of the basketball sequence matches; Messi does not match him", async () => {
    const [b1, b2, messi] = await Promise.all([one(faceMediaPath("basketball1.png")), one(faceMediaPath("basketball2.png")), one(mediaPath("messi5.jpg"))]);
    const same = descriptorDistance(b1, b2);
    expect(same).toBeLessThan(FACE_MATCH_THRESHOLD);
    expect(descriptorDistance(b1, messi)).toBeGreaterThan(FACE_MATCH_THRESHOLD);
    const gallery = { people: [{ name: "player", descriptors: [Array.from(b1)] }] };
    expect(matchGallery(b2, gallery, FACE_MATCH_THRESHOLD).name).toBe("player");
    expect(matchGallery(messi, gallery, FACE_MATCH_THRESHOLD).name).toBeNull();
  }, 60_000);

  it("Messi's face stays within the threshold through rescaling, cropping, rotation, JPEG and brightness changes", async () => {
    const messi = await one(mediaPath("messi5.jpg"));
    const src = () => sharp(mediaPath("messi5.jpg"));
    const variants = await Promise.all([
      src().resize(800).png().toBuffer(),
      src().extract({ left: 150, top: 30, width: 200, height: 200 }).png().toBuffer(),
      src().rotate(10, { background: "#808080" }).png().toBuffer(),
      src().jpeg({ quality: 30 }).toBuffer(),
      src().modulate({ brightness: 1.3 }).png().toBuffer(),
      src().modulate({ brightness: 0.7 }).png().toBuffer(),
    ]);
    for (const v of variants) expect(descriptorDistance(messi, await one(v))).toBeLessThan(FACE_MATCH_THRESHOLD);
  }, 60_000);

  it("Messi's faceres attributes: a man, 20-45 years old", async () => {
    const [f] = await describeFaces(await decodeImage(mediaPath("messi5.jpg")), models);
    expect(f?.gender).toBe("male");
    expect(f?.age).toBeGreaterThan(20);
    expect(f?.age).toBeLessThan(45);
  }, 60_000);

  it("a gallery photo with no face, or with two, is refused naming the photo and the count", async () => {
    await expect(describeGalleryPhoto(await decodeImage(mediaPath("imageTextN.png")), models, "text.png")).rejects.toMatchObject({
      code: "INVALID_PAYLOAD",
      message: "gallery photo text.png: no face found, expected exactly one",
      context: { photo: "text.png", faces: 0 },
    });
    // Two real faces side by side: Messi's face region next to the basketball frame.
    const messiFace = await sharp(mediaPath("messi5.jpg")).extract({ left: 170, top: 50, width: 140, height: 140 }).resize(200, 200).png().toBuffer();
    const two = await sharp(faceMediaPath("basketball1.png")).removeAlpha().toColourspace("srgb").composite([{ input: messiFace, left: 400, top: 60 }]).png().toBuffer();
    await expect(describeGalleryPhoto(await decodeImage(two), models, "two.png")).rejects.toMatchObject({ message: "gallery photo two.png: 2 faces found, expected exactly one", context: { faces: 2 } });
  }, 60_000);
});
