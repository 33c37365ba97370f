// The person's workflows: status, trigger in words, the version that runs, the last run
// (however long ago, in the person's zone), the last days as a sparkline, and links to each
// workflow's page and the conversation it came from. Rows are a table from 768 px, cards below.
import Link from "next/link";
import { redirect } from "next/navigation";
import { currentUserId } from "@/app/(auth)/auth";
import { getDashboard } from "@/lib/db/history-queries";
import { listWorkflows, type WorkflowListItem } from "@/lib/db/workflow-queries";
import { formatDateTime } from "@/lib/format/time";
import type { DashboardRow } from "@/lib/workflows/history-types";
import { personTimeZone } from "@/lib/workflows/person-zone";
import { triggerInWords } from "@/lib/workflows/trigger-words";
import { runStatusTone } from "./_components/run-status";
import { Sparkline } from "./_components/sparkline";
import { statusTone } from "./_components/workflow-status";
import { ZoneCookie } from "./_components/zone-cookie";

export const dynamic = "force-dynamic";

export const metadata = { title: "Workflows · Flowchat" };

function versionText({ workflow, active, latest }: WorkflowListItem): string {
  if (active) {
    return latest && latest.number !== active.number && latest.state === "draft"
      ? `v${active.number} (v${latest.number} awaiting approval)`
      : `v${active.number}`;
  }
  if (!latest) return "—";
  if (latest.state === "rejected") return `None (v${latest.number} rejected)`;
  return `None (v${latest.number} ${workflow.status === "draft" ? "awaiting approval" : latest.state})`;
}

function LastRun({
  run,
  timeZone,
}: {
  run: NonNullable<DashboardRow["lastRun"]>;
  timeZone: string;
}) {
  return (
    <span title={run.createdAt}>
      <span
        className={`rounded-full px-1.5 py-0.5 text-xs font-medium ${runStatusTone[run.status]}`}
      >
        {run.status}
      </span>{" "}
      {formatDateTime(run.createdAt, { timeZone, year: true })}
    </span>
  );
}

function Volume({ row }: { row: DashboardRow | undefined }) {
  if (!row || row.runs === 0)
    return <span className="text-xs text-zinc-500 dark:text-zinc-400">No runs in 7 days</span>;
  const rate = row.successRate === null ? null : Math.round(row.successRate * 100);
  const label = `${row.runs} run${row.runs === 1 ? "" : "s"} in 7 days${rate === null ? "" : `, ${rate}% succeeded`}`;
  return (
    <span className="flex items-center gap-2" data-testid="workflow-volume">
      <Sparkline perDay={row.perDay} label={label} />
      <span className="text-xs tabular-nums text-zinc-500 dark:text-zinc-400">
        {row.runs}
        {rate === null ? "" : ` · ${rate}%`}
      </span>
    </span>
  );
}

const columns =
  "md:grid md:grid-cols-[minmax(0,1.6fr)_5.5rem_minmax(0,1.4fr)_minmax(0,1fr)_minmax(0,1.6fr)_9.5rem_7rem] md:items-center md:gap-3";

export default async function WorkflowsPage() {
  const userId = await currentUserId();
  if (!userId) redirect("/login");
  const timeZone = await personTimeZone(userId);
  const [items, dashboard] = await Promise.all([
    listWorkflows({ userId }),
    getDashboard({ userId, window: "7d", timeZone }),
  ]);
  const byWorkflow = new Map(dashboard.map((row) => [row.workflowId, row]));

  return (
    <div className="flex h-full flex-col">
      <ZoneCookie serverZone={timeZone} />
      <header className="flex h-12 shrink-0 items-center border-b border-zinc-200 px-4 dark:border-zinc-800">
        <h1 className="text-sm font-medium">Workflows</h1>
      </header>
      <div className="flex-1 overflow-y-auto">
        <div className="mx-auto max-w-6xl px-4 py-6">
          {items.length === 0 ? (
            <div className="mt-16 text-center" data-testid="workflows-empty">
              <h2 className="text-lg font-semibold">No workflows yet</h2>
              <p className="mt-2 text-sm text-zinc-500 dark:text-zinc-400">
                Describe what you want automated in a chat; Flowchat drafts a plan you approve.
              </p>
              <Link
                href="/"
                className="mt-4 inline-block rounded-lg bg-zinc-900 px-3 py-1.5 text-sm font-medium text-white dark:bg-zinc-100 dark:text-zinc-900"
              >
                Start a chat
              </Link>
            </div>
          ) : (
            <div className="text-sm" data-testid="workflows-table">
              <div
                className={`hidden border-b border-zinc-200 py-2 text-xs font-medium text-zinc-500 dark:text-zinc-400 dark:border-zinc-800 ${columns}`}
                aria-hidden="true"
              >
                <span>Workflow</span>
                <span>Status</span>
                <span>Trigger</span>
                <span>Active version</span>
                <span>Last run ({timeZone})</span>
                <span>Last 7 days</span>
                <span />
              </div>
              <ul>
                {items.map((item) => {
                  const { workflow, active, latest } = item;
                  const row = byWorkflow.get(workflow.id);
                  return (
                    <li
                      key={workflow.id}
                      className={`flex flex-col gap-1.5 border-b border-zinc-100 py-3 dark:border-zinc-900 md:py-2.5 ${columns}`}
                      data-testid="workflow-row"
                      data-status={workflow.status}
                    >
                      <div className="flex items-start justify-between gap-2 md:contents">
                        <Link
                          href={`/workflows/${workflow.id}`}
                          className="min-w-0 font-medium underline-offset-2 hover:underline"
                          data-testid="workflow-link"
                        >
                          <span className="break-words">{workflow.title}</span>
                        </Link>
                        <span>
                          <span
                            className={`rounded-full px-2 py-0.5 text-xs font-medium ${statusTone[workflow.status] ?? ""}`}
                            data-testid="workflow-status"
                          >
                            {workflow.status}
                          </span>
                        </span>
                      </div>
                      <span
                        className="text-zinc-700 dark:text-zinc-300"
                        data-testid="workflow-trigger"
                      >
                        {latest ? triggerInWords((active ?? latest).plan) : "—"}
                      </span>
                      <span className="text-xs text-zinc-500 dark:text-zinc-400 md:text-sm md:text-inherit">
                        <span className="md:hidden">Active version: </span>
                        <span data-testid="workflow-version">{versionText(item)}</span>
                      </span>
                      <span className="text-xs text-zinc-500 dark:text-zinc-400 md:text-sm">
                        <span className="md:hidden">Last run: </span>
                        <span data-testid="workflow-last-run">
                          {row?.lastRun ? (
                            <LastRun run={row.lastRun} timeZone={timeZone} />
                          ) : (
                            "No runs yet"
                          )}
                        </span>
                      </span>
                      <div className="mt-1 flex items-center justify-between gap-2 md:contents">
                        <Volume row={row} />
                        <span className="md:text-right">
                          {workflow.threadId ? (
                            <Link
                              href={`/chat/${workflow.threadId}`}
                              className="text-xs underline-offset-2 hover:underline"
                              data-testid="workflow-thread-link"
                            >
                              Open conversation
                            </Link>
                          ) : (
                            <span className="text-xs text-zinc-500 dark:text-zinc-400">
                              Conversation deleted
                            </span>
                          )}
                        </span>
                      </div>
                    </li>
                  );
                })}
              </ul>
            </div>
          )}
        </div>
      </div>
    </div>
  );
}
