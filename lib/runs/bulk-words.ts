// A bulk filter in words, for the confirmation card and the workflow page: "failed runs created
// Tue 29 Feb 2028, 21:00 – Wed 1 Mar 2028, 09:00 (Europe/Paris) whose step "fetch" failed" in
// the person's zone when it is known, else in UTC ("2028-02-29 20:00 UTC"). Client-safe.
import { formatDateTime } from "@/lib/format/time";

type Filter = {
  status?: string[];
  from?: string;
  to?: string;
  failedStep?: string;
};

const utc = (value: string) =>
  `${new Date(value).toISOString().slice(0, 16).replace("T", " ")} UTC`;

/** The filter's time range in words: in `timeZone`, named once at the end, or in UTC. */
function range(filter: Filter, timeZone: string | undefined): string | undefined {
  if (!filter.from && !filter.to) return undefined;
  const at = (value: string) =>
    timeZone ? formatDateTime(value, { timeZone, year: true }) : utc(value);
  const zone = timeZone ? ` (${timeZone})` : "";
  if (filter.from && filter.to) return `created ${at(filter.from)} – ${at(filter.to)}${zone}`;
  if (filter.from) return `created since ${at(filter.from)}${zone}`;
  return `created before ${at(filter.to as string)}${zone}`;
}

export function describeBulkFilter(
  kind: "cancel" | "rerun",
  filter: Filter,
  /** The person's zone (lib/workflows/person-zone.ts); without it, times are in UTC. */
  timeZone?: string,
): string {
  const statuses =
    filter.status && filter.status.length > 0
      ? filter.status
      : kind === "cancel"
        ? ["queued", "running", "waiting"]
        : ["failed"];
  const words = [`${statuses.join(", ")} runs`];
  const created = range(filter, timeZone);
  if (created) words.push(created);
  if (filter.failedStep) words.push(`whose step "${filter.failedStep}" failed`);
  return words.join(" ");
}
