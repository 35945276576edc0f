import { readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import type { ProjectConfig } from "@edgelens/shared";
import { EdgelensError } from "@edgelens/shared/errors";
import type { SampleModelName } from "../models/sample-models";

/** A sample project (docs/design.md "Sample projects"): what the console lists and a user starts from. */
export interface TemplateInfo {
  name: string;
  title: string;
  description: string;
  /** The function's model names, each bound to the sample model it runs. */
  models: Record<string, SampleModelName>;
  /** Source, rate and the function's own settings (the same defaults as its `config`). */
  defaultConfig: ProjectConfig;
}

export interface Template extends TemplateInfo {
  /** The text of function.ts, to show in an editor and to compile. */
  functionSource: string;
  functionPath: string;
}

// Why a camera: a template is deployed to a device, and a DeepLens-like box reads its own camera.
const CAMERA = "v4l2:///dev/video0";

const TEMPLATES: readonly TemplateInfo[] = [
  {
    name: "object-detection",
    title: "Object detection",
    description: "Boxes around the 80 COCO object classes (people, vehicles, animals, food, ...) with CenterNet, and a count per label.",
    models: { detector: "centernet" },
    defaultConfig: { source: CAMERA, fps: 5, threshold: 0.3, iouThreshold: 0.5, classes: [], zones: [] },
  },
  {
    name: "people-counter",
    title: "People counter",
    description: "People in view per frame, and unique people (tracked) that crossed a line across the picture.",
    models: { detector: "centernet" },
    defaultConfig: {
      source: CAMERA,
      fps: 10,
      threshold: 0.3,
      line: [
        [0, 0.5],
        [1, 0.5],
      ],
      zones: [],
    },
  },
  {
    name: "hotdog",
    title: "Hot dog or not hot dog",
    description: 'Labels each frame "hot dog" or "not hot dog" from the COCO detector\'s hot dog class.',
    models: { detector: "centernet" },
    defaultConfig: { source: CAMERA, fps: 2, threshold: 0.3 },
  },
  {
    name: "face-detection",
    title: "Face detection",
    description: "Faces with BlazeFace, with six landmarks each (eyes, nose, mouth, ears).",
    models: { faces: "blazeface" },
    defaultConfig: { source: CAMERA, fps: 10, threshold: 0.5 },
  },
  {
    name: "pose",
    title: "Pose estimation",
    description: "The 17 body keypoints of the main person with MoveNet Lightning.",
    models: { pose: "movenet" },
    defaultConfig: { source: CAMERA, fps: 10, minPoseScore: 0.2, keypointThreshold: 0.3 },
  },
  {
    name: "text-detection",
    title: "Text detection",
    description: "Where text is in the picture (PP-OCRv4 detector with DB post-processing): a polygon per text line.",
    models: { text: "ppocr-det" },
    defaultConfig: { source: CAMERA, fps: 1, maxSide: 960, threshold: 0.3, boxThreshold: 0.6, unclipRatio: 1.5 },
  },
  {
    name: "text-reading",
    title: "Text reading",
    description: "Reads the text lines in the picture with PP-OCR (detector, direction classifier, PP-OCRv4 recognizer); `pattern` keeps only matching strings, e.g. licence plates.",
    models: { text: "ppocr-det", direction: "ppocr-cls", reader: "ppocr-rec" },
    defaultConfig: { source: CAMERA, fps: 1, timeoutMs: 30_000, maxSide: 960, threshold: 0.3, boxThreshold: 0.6, unclipRatio: 1.5, flipThreshold: 0.9, minScore: 0.5, pattern: "", lineBatch: 6 },
  },
  {
    name: "head-pose",
    title: "Head pose",
    description: "Yaw, pitch and roll of each face in degrees (BlazeFace, then facemesh's 468 3-D landmarks), drawn as axes on the stream.",
    models: { faces: "blazeface", mesh: "facemesh" },
    defaultConfig: { source: CAMERA, fps: 10, threshold: 0.5, minMeshScore: 0.5, maxFaces: 5 },
  },
  {
    name: "face-recognition",
    title: "Face recognition",
    description: "Names the known people in view from the project's face gallery (BlazeFace, an upright crop by the eyes, faceres descriptors); unknown faces are counted; age, gender and, with attributes [\"emotion\"], the expression.",
    models: { faces: "blazeface", faceres: "faceres", emotion: "emotion" },
    defaultConfig: { source: CAMERA, fps: 5, threshold: 0.5, matchThreshold: 0.9, maxFaces: 10, attributes: [] },
  },
];

export function listTemplates(): TemplateInfo[] {
  return TEMPLATES.map((t) => structuredClone(t));
}

/** A template with its function's source; NOT_FOUND names the templates there are. */
export function getTemplate(name: string): Template {
  const info = TEMPLATES.find((t) => t.name === name);
  if (!info) {
    throw new EdgelensError("NOT_FOUND", `no template "${name}" (there are: ${TEMPLATES.map((t) => t.name).join(", ")})`, { template: name });
  }
  // Joined from this module's folder, not new URL(literal, import.meta.url): Turbopack (console)
  // rewrites that pattern into an asset reference that node:fs cannot open.
  const functionPath = join(dirname(fileURLToPath(import.meta.url)), info.name, "function.ts");
  return { ...structuredClone(info), functionSource: readFileSync(functionPath, "utf8"), functionPath };
}
