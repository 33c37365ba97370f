// A bulk filter in words, for the confirmation card and the workflow page: "failed runs created
// from 1 May 2026 20:00 UTC to 2 May 2026 08:00 UTC whose step fetch failed". Client-safe.
type Filter = {
  status?: string[];
  from?: string;
  to?: string;
  failedStep?: string;
};

const when = (iso: string) => `${iso.slice(0, 16).replace("T", " ")} UTC`;

export function describeBulkFilter(kind: "cancel" | "rerun", filter: Filter): string {
  const statuses =
    filter.status && filter.status.length > 0
      ? filter.status
      : kind === "cancel"
        ? ["queued", "running", "waiting"]
        : ["failed"];
  const words = [`${statuses.join(", ")} runs`];
  const utc = (value: string) => when(new Date(value).toISOString());
  if (filter.from && filter.to) words.push(`created ${utc(filter.from)} – ${utc(filter.to)}`);
  else if (filter.from) words.push(`created since ${utc(filter.from)}`);
  else if (filter.to) words.push(`created before ${utc(filter.to)}`);
  if (filter.failedStep) words.push(`whose step "${filter.failedStep}" failed`);
  return words.join(" ");
}
