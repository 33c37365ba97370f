// The workflow page's search params (linkable filters): `status`, `from`, `to` (local days,
// `YYYY-MM-DD`, `to` inclusive) and the metrics `window`. Anything unreadable is ignored.
import type { RunStatus } from "@/lib/runs/status";
import {
  type HistoryFilter,
  METRICS_WINDOWS,
  type MetricsWindow,
} from "@/lib/workflows/history-types";
import { startOfDayIn } from "@/lib/workflows/when";

export const STATUS_FILTERS = [
  "succeeded",
  "failed",
  "cancelled",
  "running",
  "waiting",
  "queued",
] as const satisfies readonly RunStatus[];

export type PageParams = {
  status: RunStatus | null;
  from: string | null;
  to: string | null;
  window: MetricsWindow;
};

type Raw = Record<string, string | string[] | undefined>;

const one = (value: string | string[] | undefined) => (Array.isArray(value) ? value[0] : value);
const DAY = /^\d{4}-\d{2}-\d{2}$/;

export function readPageParams(raw: Raw): PageParams {
  const status = one(raw.status);
  const from = one(raw.from);
  const to = one(raw.to);
  const window = one(raw.window);
  return {
    status: STATUS_FILTERS.find((s) => s === status) ?? null,
    from: from && DAY.test(from) ? from : null,
    to: to && DAY.test(to) ? to : null,
    window: METRICS_WINDOWS.find((w) => w === window) ?? "7d",
  };
}

/** The history filter for these params, days read in the person's zone. */
export function historyFilter(params: PageParams, timeZone: string): HistoryFilter {
  return {
    ...(params.status ? { status: [params.status] } : {}),
    ...(params.from ? { from: startOfDayIn(params.from, timeZone) } : {}),
    ...(params.to ? { to: startOfDayIn(params.to, timeZone, 1) } : {}),
  };
}

/** The page's URL with some params changed (null removes one). */
export function pageHref(
  workflowId: string,
  params: PageParams,
  change: Partial<Record<keyof PageParams, string | null>>,
): string {
  const next = { ...params, ...change };
  const query = new URLSearchParams();
  if (next.status) query.set("status", next.status);
  if (next.from) query.set("from", next.from);
  if (next.to) query.set("to", next.to);
  if (next.window && next.window !== "7d") query.set("window", next.window);
  const text = query.toString();
  return `/workflows/${workflowId}${text ? `?${text}` : ""}`;
}
