// The person's workflows: status, trigger in words, the version that runs, the last run
// (however long ago) and the way back to the conversation each came from.
import Link from "next/link";
import { redirect } from "next/navigation";
import { currentUserId } from "@/app/(auth)/auth";
import { lastRunPerWorkflow } from "@/lib/db/run-queries";
import type { Run } from "@/lib/db/schema";
import { listWorkflows, type WorkflowListItem } from "@/lib/db/workflow-queries";
import { triggerInWords } from "@/lib/workflows/trigger-words";

export const dynamic = "force-dynamic";

export const metadata = { title: "Workflows · Flowchat" };

const statusTone: Record<string, string> = {
  active: "bg-emerald-100 text-emerald-900 dark:bg-emerald-950 dark:text-emerald-200",
  draft: "bg-amber-100 text-amber-900 dark:bg-amber-950 dark:text-amber-200",
  paused: "bg-zinc-200 text-zinc-700 dark:bg-zinc-800 dark:text-zinc-300",
  archived: "bg-zinc-200 text-zinc-500 dark:bg-zinc-800 dark:text-zinc-400",
};

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

function LastRun({ run }: { run: Run }) {
  const tone =
    run.status === "succeeded"
      ? "text-emerald-700 dark:text-emerald-400"
      : run.status === "failed"
        ? "text-red-700 dark:text-red-400"
        : "text-zinc-600 dark:text-zinc-300";
  return (
    <span title={run.createdAt.toISOString()}>
      <span className={`font-medium ${tone}`}>{run.status}</span>{" "}
      {run.createdAt.toLocaleString("en-GB", {
        dateStyle: "medium",
        timeStyle: "short",
        timeZone: "UTC",
      })}{" "}
      UTC
    </span>
  );
}

export default async function WorkflowsPage() {
  const userId = await currentUserId();
  if (!userId) redirect("/login");
  const items = await listWorkflows({ userId });
  const lastRuns = await lastRunPerWorkflow({
    userId,
    workflowIds: items.map(({ workflow }) => workflow.id),
  });
  const lastRun = new Map(lastRuns.map((run) => [run.workflowId, run]));

  return (
    <div className="flex h-full flex-col">
      <header className="flex h-12 shrink-0 items-center border-b border-zinc-200 px-4 dark:border-zinc-800">
        <h1 className="text-sm font-medium">Workflows</h1>
      </header>
      <div className="flex-1 overflow-y-auto">
        <div className="mx-auto max-w-5xl px-4 py-6">
          {items.length === 0 ? (
            <div className="mt-16 text-center" data-testid="workflows-empty">
              <h2 className="text-lg font-semibold">No workflows yet</h2>
              <p className="mt-2 text-sm text-zinc-500">
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
            <table className="w-full text-left text-sm" data-testid="workflows-table">
              <thead className="border-b border-zinc-200 text-xs text-zinc-500 dark:border-zinc-800">
                <tr>
                  <th className="py-2 pr-3 font-medium">Workflow</th>
                  <th className="py-2 pr-3 font-medium">Status</th>
                  <th className="py-2 pr-3 font-medium">Trigger</th>
                  <th className="py-2 pr-3 font-medium">Active version</th>
                  <th className="py-2 pr-3 font-medium">Last run</th>
                  <th className="py-2 font-medium">
                    <span className="sr-only">Conversation</span>
                  </th>
                </tr>
              </thead>
              <tbody>
                {items.map((item) => {
                  const { workflow, active, latest } = item;
                  return (
                    <tr
                      key={workflow.id}
                      className="border-b border-zinc-100 align-top dark:border-zinc-900"
                      data-testid="workflow-row"
                      data-status={workflow.status}
                    >
                      <td className="py-2 pr-3 font-medium">{workflow.title}</td>
                      <td className="py-2 pr-3">
                        <span
                          className={`rounded-full px-2 py-0.5 text-xs font-medium ${statusTone[workflow.status] ?? ""}`}
                          data-testid="workflow-status"
                        >
                          {workflow.status}
                        </span>
                      </td>
                      <td className="py-2 pr-3" data-testid="workflow-trigger">
                        {latest ? triggerInWords((active ?? latest).plan) : "—"}
                      </td>
                      <td className="py-2 pr-3" data-testid="workflow-version">
                        {versionText(item)}
                      </td>
                      <td className="py-2 pr-3 text-zinc-500" data-testid="workflow-last-run">
                        {lastRun.get(workflow.id) ? (
                          <LastRun run={lastRun.get(workflow.id)!} />
                        ) : (
                          "No runs yet"
                        )}
                      </td>
                      <td className="py-2 text-right">
                        {workflow.threadId ? (
                          <Link
                            href={`/chat/${workflow.threadId}`}
                            className="text-xs underline-offset-2 hover:underline"
                            data-testid="workflow-thread-link"
                          >
                            Open conversation
                          </Link>
                        ) : (
                          <span className="text-xs text-zinc-500">Conversation deleted</span>
                        )}
                      </td>
                    </tr>
                  );
                })}
              </tbody>
            </table>
          )}
        </div>
      </div>
    </div>
  );
}
