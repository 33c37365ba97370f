// One run of a workflow, opened from its history: the run card (its timeline) on a page of
// its own, so a run has a link. Someone else's run, or a run of another workflow, is a 404.
import Link from "next/link";
import { notFound, redirect } from "next/navigation";
import { currentUserId } from "@/app/(auth)/auth";
import { RunCard } from "@/app/(chat)/_components/run/run-card";
import { getRunForOwner } from "@/lib/db/run-queries";
import { getWorkflow } from "@/lib/db/workflow-queries";

export const dynamic = "force-dynamic";

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

type Props = { params: Promise<{ id: string; runId: string }> };

export default async function WorkflowRunPage({ params }: Props) {
  const userId = await currentUserId();
  if (!userId) redirect("/login");
  const { id, runId } = await params;
  if (!UUID.test(id) || !UUID.test(runId)) notFound();
  const [workflow, run] = await Promise.all([
    getWorkflow({ id, userId }),
    getRunForOwner({ runId, userId }),
  ]);
  if (!workflow || !run || run.workflowId !== workflow.id) notFound();
  return (
    <div className="flex h-full flex-col">
      <header className="flex h-12 shrink-0 items-center gap-2 border-b border-zinc-200 px-4 text-sm dark:border-zinc-800">
        <Link
          href="/workflows"
          className="hidden text-zinc-500 dark:text-zinc-400 hover:text-zinc-900 sm:inline dark:hover:text-zinc-100"
        >
          Workflows
        </Link>
        <span className="hidden text-zinc-400 sm:inline" aria-hidden="true">
          /
        </span>
        <Link
          href={`/workflows/${workflow.id}`}
          className="truncate text-zinc-500 dark:text-zinc-400 hover:text-zinc-900 dark:hover:text-zinc-100"
          data-testid="run-page-workflow-link"
        >
          {workflow.title}
        </Link>
        <span className="text-zinc-400" aria-hidden="true">
          /
        </span>
        <span className="shrink-0 font-medium">Run</span>
      </header>
      <div className="flex-1 overflow-y-auto">
        <div className="mx-auto max-w-3xl px-4 py-6" data-testid="run-page">
          <RunCard runId={run.id} title={workflow.title} />
        </div>
      </div>
    </div>
  );
}
