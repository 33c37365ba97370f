"use client";

// Shown when the workflows could not be loaded (the database is down, for instance).
export default function WorkflowsError({ retry }: { error: unknown; retry: () => void }) {
  return (
    <div className="mx-auto mt-16 max-w-md text-center" role="alert" data-testid="workflows-error">
      <h1 className="text-lg font-semibold">Your workflows could not be loaded</h1>
      <p className="mt-2 text-sm text-zinc-500 dark:text-zinc-400">
        This is usually temporary. Try again in a moment.
      </p>
      <button
        type="button"
        onClick={() => retry()}
        className="mt-4 rounded-lg border border-zinc-300 px-3 py-1.5 text-sm dark:border-zinc-700"
      >
        Try again
      </button>
    </div>
  );
}
