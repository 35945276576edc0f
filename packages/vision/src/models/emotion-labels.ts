/**
 * The classes of human's emotion model, in output order (human's src/face/emotion.ts; the model
 * comes from oarriaga/face_classification, trained on FER-2013, which orders its classes so).
 */
export const EMOTION_LABELS = ["angry", "disgust", "fear", "happy", "sad", "surprise", "neutral"] as const;
export type Emotion = (typeof EMOTION_LABELS)[number];
