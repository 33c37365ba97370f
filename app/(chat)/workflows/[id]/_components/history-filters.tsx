// The history's filters as a plain GET form: the URL holds them (a filtered view is a link),
// and they work before any script has loaded.
import Link from "next/link";
import { type PageParams, STATUS_FILTERS } from "../params";

const focusRing =
  "focus-visible:outline-2 focus-visible:outline-offset-2 focus-visible:outline-zinc-900 dark:focus-visible:outline-zinc-100";
// One height for the select, the date fields and Apply, so their labels and edges line up.
const field = `h-9 rounded-lg border border-zinc-300 bg-white px-2 text-sm dark:border-zinc-700 dark:bg-zinc-900 ${focusRing}`;

export function HistoryFilters({ workflowId, params }: { workflowId: string; params: PageParams }) {
  const filtered = params.status || params.from || params.to;
  return (
    <form
      method="get"
      action={`/workflows/${workflowId}`}
      className="flex flex-wrap items-end gap-2"
      data-testid="history-filters"
    >
      {params.window !== "7d" ? <input type="hidden" name="window" value={params.window} /> : null}
      <label className="flex flex-col gap-1 text-xs text-zinc-500 dark:text-zinc-400">
        Status
        <select
          name="status"
          defaultValue={params.status ?? ""}
          className={field}
          data-testid="filter-status"
        >
          <option value="">Any</option>
          {STATUS_FILTERS.map((status) => (
            <option key={status} value={status}>
              {status}
            </option>
          ))}
        </select>
      </label>
      <label className="flex flex-col gap-1 text-xs text-zinc-500 dark:text-zinc-400">
        From
        <input
          type="date"
          name="from"
          defaultValue={params.from ?? ""}
          className={field}
          data-testid="filter-from"
        />
      </label>
      <label className="flex flex-col gap-1 text-xs text-zinc-500 dark:text-zinc-400">
        To
        <input
          type="date"
          name="to"
          defaultValue={params.to ?? ""}
          className={field}
          data-testid="filter-to"
        />
      </label>
      <button
        type="submit"
        className={`h-9 rounded-lg bg-zinc-900 px-3 text-sm font-medium text-white hover:bg-zinc-700 dark:bg-zinc-100 dark:text-zinc-900 dark:hover:bg-zinc-300 ${focusRing}`}
        data-testid="filter-apply"
      >
        Apply
      </button>
      {filtered ? (
        <Link
          href={`/workflows/${workflowId}${params.window !== "7d" ? `?window=${params.window}` : ""}`}
          className="px-2 py-1.5 text-sm text-zinc-600 underline-offset-2 hover:underline dark:text-zinc-300"
          data-testid="filter-clear"
        >
          Clear
        </Link>
      ) : null}
    </form>
  );
}
