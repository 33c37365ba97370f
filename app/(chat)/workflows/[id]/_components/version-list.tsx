// Every version of the workflow, newest first: its state, who wrote it, who approved (or
// rejected) it and when, its note, and what it changed against the version before it.
import { PlanDiff } from "@/app/(chat)/_components/plan/plan-diff";
import type { WorkflowVersion } from "@/lib/db/schema";
import { formatDateTime } from "@/lib/format/time";
import { readStoredPlan } from "@/lib/workflows/pinned-plan";
import { changesSince } from "@/lib/workflows/version-diff";

const stateTone: Record<WorkflowVersion["state"], string> = {
  approved: "bg-emerald-100 text-emerald-900 dark:bg-emerald-950 dark:text-emerald-200",
  draft: "bg-amber-100 text-amber-900 dark:bg-amber-950 dark:text-amber-200",
  rejected: "bg-red-100 text-red-900 dark:bg-red-950 dark:text-red-200",
  superseded: "bg-zinc-200 text-zinc-600 dark:bg-zinc-800 dark:text-zinc-400",
};

function decision(version: WorkflowVersion, userId: string, timeZone: string): string | null {
  if (version.approvedAt) {
    const who = version.approvedBy === userId ? "you" : "another account";
    return `Approved by ${who} · ${formatDateTime(version.approvedAt.toISOString(), { timeZone, year: true })}`;
  }
  if (version.rejectedAt) {
    return `Rejected · ${formatDateTime(version.rejectedAt.toISOString(), { timeZone, year: true })}`;
  }
  return null;
}

export function VersionList({
  versions,
  activeVersionId,
  userId,
  timeZone,
}: {
  /** Oldest first, as listWorkflowVersions returns them. */
  versions: WorkflowVersion[];
  activeVersionId: string | null;
  userId: string;
  timeZone: string;
}) {
  const items = versions.map((version, index) => {
    const before = versions[index - 1];
    const read = readStoredPlan(version.plan);
    const changes = before
      ? read.ok
        ? changesSince({ before, after: read.plan }).lines
        : [`~ the whole plan (version ${version.number} does not read under today's rules)`]
      : null;
    return { version, before, changes };
  });
  return (
    <ol className="flex flex-col gap-3" data-testid="versions">
      {items.reverse().map(({ version, before, changes }) => (
        <li
          key={version.id}
          className="rounded-lg border border-zinc-200 px-3 py-2.5 dark:border-zinc-800"
          data-testid="version"
          data-number={version.number}
          data-state={version.state}
        >
          <div className="flex flex-wrap items-center gap-x-2 gap-y-1 text-sm">
            <span className="font-medium">Version {version.number}</span>
            <span
              className={`rounded-full px-2 py-0.5 text-xs font-medium ${stateTone[version.state]}`}
            >
              {version.state}
            </span>
            {version.id === activeVersionId ? (
              <span className="text-xs font-medium text-emerald-700 dark:text-emerald-400">
                runs now
              </span>
            ) : null}
          </div>
          <p className="mt-1 text-xs text-zinc-500 dark:text-zinc-400">
            {version.author === "model" ? "Drafted by the assistant" : "Edited by you"} ·{" "}
            {formatDateTime(version.createdAt.toISOString(), { timeZone, year: true })}
          </p>
          {decision(version, userId, timeZone) ? (
            <p className="text-xs text-zinc-500 dark:text-zinc-400" data-testid="version-decision">
              {decision(version, userId, timeZone)}
            </p>
          ) : null}
          {version.note ? <p className="mt-1.5 text-sm">{version.note}</p> : null}
          {before && changes ? (
            <div className="mt-2">
              <PlanDiff against={before.number} lines={changes} />
            </div>
          ) : null}
        </li>
      ))}
    </ol>
  );
}
