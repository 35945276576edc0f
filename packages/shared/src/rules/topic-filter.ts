/**
 * MQTT 3.1.1 section 4.7 topic filter rules: levels split by '/', '+' fills a whole level,
 * '#' fills a whole level and only the last one. Returns the reason a filter is invalid, or null.
 */
export function topicFilterProblem(filter: string): string | null {
  if (filter.length === 0) return "the topic filter is empty";
  if (filter.length > 65535) return "the topic filter is longer than 65535 bytes";
  if (filter.includes("\u0000")) return "the topic filter contains a NUL character";
  const levels = filter.split("/");
  for (let i = 0; i < levels.length; i++) {
    const level = levels[i] ?? "";
    if (level.includes("#") && (level !== "#" || i !== levels.length - 1)) return "'#' must be a whole level and the last one";
    if (level.includes("+") && level !== "+") return "'+' must be a whole level";
  }
  return null;
}

/** A concrete topic (no wildcards) a message can be published to; null when it is one. */
export function publishTopicProblem(topic: string): string | null {
  if (topic.length === 0) return "the topic is empty";
  if (topic.includes("+") || topic.includes("#")) return "a publish topic may not contain '+' or '#'";
  if (topic.includes("\u0000")) return "the topic contains a NUL character";
  if (topic.startsWith("$")) return "topics starting with '$' are reserved to the broker";
  return null;
}
