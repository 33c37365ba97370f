"use client";

// The run history: the first page comes rendered from the server, "Load more" pages on
// through `GET /api/workflows/:id/runs` with the same filter. A table from 768 px, a list
// below. Times are formatted in the zone the server chose, so both renders agree.
import Link from "next/link";
import { useState } from "react";
import { AppError } from "@/lib/errors";
import { formatDuration } from "@/lib/format/duration";
import { formatDateTime } from "@/lib/format/time";
import type { HistoryFilter, HistoryPage, HistoryRow } from "@/lib/workflows/history-types";
import { RunStatusBadge } from "../../_components/run-status";

const PAGE = 25;

function query(filter: HistoryFilter, cursor: string) {
  const params = new URLSearchParams({ cursor, limit: String(PAGE) });
  if (filter.status?.length) params.set("status", filter.status.join(","));
  if (filter.from) params.set("from", filter.from);
  if (filter.to) params.set("to", filter.to);
  return params.toString();
}

function duration(row: HistoryRow) {
  return row.durationMs === null ? "—" : formatDuration(row.durationMs);
}

/** A re-run keeps the trigger of the run it re-ran; this says it is one. */
function Rerun({ row }: { row: HistoryRow }) {
  if (!row.rerunOfId) return null;
  return (
    <span className="text-zinc-500 dark:text-zinc-400" data-testid="history-rerun">
      {" "}
      · re-run
    </span>
  );
}

function FailedStep({ row }: { row: HistoryRow }) {
  if (!row.failedStep) return <span className="text-zinc-500 dark:text-zinc-400">—</span>;
  return (
    <span title={row.error ?? undefined}>
      <span className="font-medium text-red-700 dark:text-red-400">
        {row.failedStep.title ?? row.failedStep.id}
      </span>
      {row.failedStep.title ? (
        <span className="ml-1 font-mono text-xs text-zinc-500 dark:text-zinc-400">
          {row.failedStep.id}
        </span>
      ) : null}
    </span>
  );
}

export function HistoryList({
  workflowId,
  initial,
  nextCursor: firstCursor,
  filter,
  timeZone,
}: {
  workflowId: string;
  initial: HistoryRow[];
  nextCursor: string | null;
  filter: HistoryFilter;
  timeZone: string;
}) {
  const [rows, setRows] = useState(initial);
  const [cursor, setCursor] = useState(firstCursor);
  const [loading, setLoading] = useState(false);
  const [problem, setProblem] = useState<string | null>(null);

  async function loadMore() {
    if (!cursor) return;
    setLoading(true);
    setProblem(null);
    try {
      const response = await fetch(`/api/workflows/${workflowId}/runs?${query(filter, cursor)}`);
      const body = await response.json();
      if (!response.ok) {
        throw AppError.fromJSON(body) ?? new Error("The runs could not be loaded.");
      }
      const { runs, nextCursor } = body as Partial<HistoryPage>;
      if (!Array.isArray(runs) || nextCursor === undefined) {
        throw new Error("The runs could not be loaded.");
      }
      setRows((before) => [...before, ...runs]);
      setCursor(nextCursor);
    } catch (error) {
      setProblem(error instanceof Error ? error.message : "The runs could not be loaded.");
    } finally {
      setLoading(false);
    }
  }

  const href = (row: HistoryRow) => `/workflows/${workflowId}/runs/${row.id}`;
  return (
    <div data-testid="history">
      <table className="hidden w-full text-left text-sm md:table" data-testid="history-table">
        <thead className="border-b border-zinc-200 text-xs text-zinc-500 dark:text-zinc-400 dark:border-zinc-800">
          <tr>
            <th className="py-2 pr-3 font-medium">Status</th>
            <th className="py-2 pr-3 font-medium">Trigger</th>
            <th className="py-2 pr-3 font-medium">Started ({timeZone})</th>
            <th className="py-2 pr-3 text-right font-medium">Duration</th>
            <th className="py-2 pr-3 font-medium">Failed at</th>
            <th className="py-2 font-medium">
              <span className="sr-only">Open</span>
            </th>
          </tr>
        </thead>
        <tbody>
          {rows.map((row) => (
            <tr
              key={row.id}
              className="border-b border-zinc-100 hover:bg-zinc-50 dark:border-zinc-900 dark:hover:bg-zinc-900/60"
              data-testid="history-row"
              data-status={row.status}
              data-run={row.id}
            >
              <td className="py-2 pr-3">
                <RunStatusBadge status={row.status} />
              </td>
              <td className="py-2 pr-3">
                <span data-testid="history-trigger">{row.trigger}</span>
                <Rerun row={row} />
              </td>
              <td className="py-2 pr-3 tabular-nums" data-testid="history-started">
                {formatDateTime(row.startedAt ?? row.createdAt, { timeZone, seconds: true })}
              </td>
              <td className="py-2 pr-3 text-right tabular-nums" data-testid="history-duration">
                {duration(row)}
              </td>
              <td className="py-2 pr-3" data-testid="history-failed-step">
                <FailedStep row={row} />
              </td>
              <td className="py-2 text-right">
                <Link
                  href={href(row)}
                  className="text-xs font-medium underline-offset-2 hover:underline"
                  data-testid="history-open"
                >
                  Open run
                </Link>
              </td>
            </tr>
          ))}
        </tbody>
      </table>

      <ul className="flex flex-col md:hidden" data-testid="history-items">
        {rows.map((row) => (
          <li key={row.id} className="border-b border-zinc-100 dark:border-zinc-900">
            <Link
              href={href(row)}
              className="flex flex-col gap-1 py-2.5"
              data-testid="history-item"
              data-status={row.status}
            >
              <span className="flex items-center justify-between gap-2">
                <RunStatusBadge status={row.status} />
                <span className="text-xs tabular-nums text-zinc-500 dark:text-zinc-400">
                  {duration(row)}
                </span>
              </span>
              <span className="text-xs text-zinc-600 dark:text-zinc-400">
                {row.trigger}
                <Rerun row={row} /> ·{" "}
                {formatDateTime(row.startedAt ?? row.createdAt, { timeZone, seconds: true })}
              </span>
              {row.failedStep ? (
                <span className="text-xs">
                  Failed at <FailedStep row={row} />
                </span>
              ) : null}
            </Link>
          </li>
        ))}
      </ul>

      {problem ? (
        <p className="mt-3 text-sm text-red-700 dark:text-red-400" role="alert">
          {problem}
        </p>
      ) : null}
      {cursor ? (
        <div className="mt-4 flex justify-center">
          <button
            type="button"
            onClick={loadMore}
            disabled={loading}
            className="rounded-lg border border-zinc-300 px-3 py-1.5 text-sm font-medium hover:bg-zinc-50 disabled:opacity-60 dark:border-zinc-700 dark:hover:bg-zinc-900"
            data-testid="history-load-more"
          >
            {loading ? "Loading…" : "Load more"}
          </button>
        </div>
      ) : null}
    </div>
  );
}
