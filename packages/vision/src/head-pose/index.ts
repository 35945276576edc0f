export { faceRegion, type FaceRegionOptions } from "./face-region";
export { decodeFaceMesh, FACEMESH_LANDMARK_COUNT, type FaceMesh, type FaceMeshOptions, type MeshPoint } from "./decode-facemesh";
export { estimateHeadPose, headPoseAxes, HEAD_POSE_LANDMARKS, type AxisSegment, type HeadPose } from "./estimate-head-pose";
