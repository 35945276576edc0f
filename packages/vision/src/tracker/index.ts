export { createTracker, type Tracker, type TrackerOptions, type TrackState } from "./iou-tracker";
export { createLineCounter, type Crossing, type CrossingDirection, type LineCounter, type LineCounterOptions, type LineCounts, type LinePoint } from "./line-counter";
