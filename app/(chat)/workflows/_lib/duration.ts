// TEMPORARY: the one duration format (lib/format/duration.ts, the timeline helper's) lands
// later; until then the plan language's formatter. Swap the import, nothing else.
export { formatDuration } from "@/lib/plan/duration";
