import { defineProject } from "@edgelens/vision/project";

// Face recognition: BlazeFace finds faces, each is cut out upright by its eyes, faceres describes it
// (a 1024-value descriptor, age, gender), and the nearest person of the gallery names it when near enough.
export default defineProject({
  models: ["faces", "faceres", "emotion"],
  config: {
    threshold: 0.5, // minimum BlazeFace score
    matchThreshold: 0.9, // largest descriptor distance still the same person (README: measured distances)
    maxFaces: 10, // faces described per frame, best first (faceres runs once per face)
    attributes: [] as string[], // ["emotion"] adds each face's expression
  },

  setup(ctx) {
    ctx.vision.validateMatchThreshold(ctx.config.matchThreshold);
    ctx.vision.validateFaceAttributes(ctx.config.attributes);
    if (!ctx.gallery) ctx.log.warn("no face gallery deployed: every face is unknown");
  },

  async infer(frame, ctx) {
    // BlazeFace takes 256x256 RGB in [-1, 1]; letterboxing keeps faces from being squashed.
    const { tensor, transform } = ctx.vision.letterbox(frame, 256, 256, { normalize: "symmetric" });
    const found = ctx.vision.decodeBlazeFace(await ctx.models.faces.run({ input: tensor }), { transform, scoreThreshold: ctx.config.threshold });
    const people = ctx.gallery?.people ?? [];
    const withEmotion = ctx.config.attributes.includes("emotion");

    const faces = [];
    const emotions = [];
    for (const face of found.slice(0, ctx.config.maxFaces)) {
      // faceres wants the face upright, forehead to chin, 224x224 RGB 0..255.
      const crop = ctx.vision.alignFace(frame, face).image;
      const described = ctx.vision.decodeFaceRes(await ctx.models.faceres.run({ input_1: ctx.vision.faceResToTensor(crop) }));
      const match = ctx.vision.matchGallery(described.descriptor, { people }, ctx.config.matchThreshold);
      // An empty gallery gives Infinity, which JSON cannot carry: report the largest unit distance, 2.
      const distance = Math.round(Math.min(match.distance, 2) * 1000) / 1000;
      const box = face.box.map((v) => Math.round(v * 10) / 10) as typeof face.box;
      faces.push({ box, name: match.name, distance, age: described.age, gender: described.gender });
      if (withEmotion) {
        const grey = ctx.vision.alignFace(frame, face, { size: 64 }).image;
        emotions.push(ctx.vision.decodeEmotion((await ctx.models.emotion.run({ input_1: ctx.vision.emotionToTensor(grey) })).Identity!)[0]!);
      }
      const caption = `${match.name ?? "?"} ${described.gender[0]}${Math.round(described.age)}`;
      ctx.draw.box(face.box, { color: match.name ? "lime" : "orange", label: withEmotion ? `${caption} ${emotions.at(-1)!.emotion}` : caption });
    }
    // Per person under extra.people, not counts: a person called "face" must not overwrite the total.
    // A rule then stores an event with `WHERE counts.unknown > 0` or `WHERE extra.people.alice > 0`.
    const present: Record<string, number> = {};
    for (const f of faces) if (f.name) present[f.name] = (present[f.name] ?? 0) + 1;
    const counts = { face: faces.length, unknown: faces.filter((f) => f.name === null).length };
    return { faces, counts, extra: withEmotion ? { people: present, emotions } : { people: present } };
  },
});
