export { alignFace, type AlignedFace, type AlignFaceOptions, type FaceLandmarks } from "./align-face";
export { faceResToTensor, emotionToTensor } from "./face-tensors";
export { decodeFaceRes, decodeEmotion, FACE_ATTRIBUTES, normalizeDescriptor, validateFaceAttributes, type FaceAttributes } from "./decode-faceres";
export { descriptorDistance, FACE_MATCH_THRESHOLD, matchGallery, validateMatchThreshold, type GalleryMatch } from "./match-gallery";
export { describeFaces, describeGalleryPhoto, type DescribedFace, type FaceModels } from "./describe-faces";
