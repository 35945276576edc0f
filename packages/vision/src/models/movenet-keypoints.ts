/**
 * MoveNet's 17 keypoints in output order (row k of `[1,1,17,3]`), lower-case snake_case COCO
 * keypoint names. @vladmandic/human lists the same order in camelCase (src/body/movenetcoords.ts);
 * build-models checks this list against that file.
 */
export const MOVENET_KEYPOINTS = [
  "nose",
  "left_eye",
  "right_eye",
  "left_ear",
  "right_ear",
  "left_shoulder",
  "right_shoulder",
  "left_elbow",
  "right_elbow",
  "left_wrist",
  "right_wrist",
  "left_hip",
  "right_hip",
  "left_knee",
  "right_knee",
  "left_ankle",
  "right_ankle",
] as const;

export type MovenetKeypoint = (typeof MOVENET_KEYPOINTS)[number];
