export { anchorPoint, boxInZone, pointInPolygon, polygonProblem, validateZones, zonePixels, type Zone, type ZoneAnchor } from "./zone-geometry";
export { createZoneCounter, type ZoneCounter, type ZoneCounterOptions, type ZoneCounts, type ZoneUpdate } from "./zone-counter";
