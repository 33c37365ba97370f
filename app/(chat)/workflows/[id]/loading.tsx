// While the workflow's history and metrics load: the page's outline, quietly pulsing.
export default function WorkflowLoading() {
  return (
    <div className="flex h-full flex-col" aria-busy="true" data-testid="workflow-loading">
      <header className="flex h-12 shrink-0 items-center border-b border-zinc-200 px-4 text-sm text-zinc-500 dark:text-zinc-400 dark:border-zinc-800">
        Workflows
      </header>
      <div className="mx-auto flex w-full max-w-5xl animate-pulse flex-col gap-6 px-4 py-6">
        <div className="h-7 w-64 rounded bg-zinc-200 dark:bg-zinc-800" />
        <div className="h-4 w-80 max-w-full rounded bg-zinc-100 dark:bg-zinc-900" />
        <div className="grid grid-cols-2 gap-2 sm:grid-cols-5">
          {["runs", "rate", "p50", "p95", "retries"].map((key) => (
            <div key={key} className="h-16 rounded-lg bg-zinc-100 dark:bg-zinc-900" />
          ))}
        </div>
        <div className="h-48 rounded-lg bg-zinc-100 dark:bg-zinc-900" />
        <span className="sr-only">Loading the workflow…</span>
      </div>
    </div>
  );
}
