import Link from "next/link";

// A workflow that does not exist or belongs to someone else: the same answer for both.
export default function WorkflowNotFound() {
  return (
    <div
      className="flex flex-1 flex-col items-center justify-center gap-3 p-8 text-center"
      data-testid="not-found"
    >
      <h1 className="text-lg font-semibold">Workflow not found</h1>
      <p className="max-w-sm text-sm text-zinc-500 dark:text-zinc-400">
        This workflow does not exist, was deleted, or belongs to someone else.
      </p>
      <Link
        href="/workflows"
        className="rounded-lg bg-zinc-900 px-3 py-2 text-sm text-white dark:bg-zinc-100 dark:text-zinc-900"
      >
        Your workflows
      </Link>
    </div>
  );
}
