// The query string of GET /api/workflows/:id/runs: filters, cursor and page size, checked.
import { z } from "zod";
import { HISTORY_PAGE_DEFAULT, HISTORY_PAGE_MAX } from "@/lib/db/history-queries";
import { AppError } from "@/lib/errors";
import type { HistoryFilter, RunTriggerKind } from "@/lib/workflows/history-types";

const STATUSES = ["queued", "running", "waiting", "succeeded", "failed", "cancelled"] as const;
const TRIGGERS = [
  "manual",
  "chat",
  "schedule",
  "webhook",
  "event",
] as const satisfies readonly RunTriggerKind[];

/** `a,b,c` → a list of allowed values. */
const csv = <T extends string>(values: readonly [T, ...T[]]) =>
  z
    .string()
    .max(200)
    .transform((text) =>
      text
        .split(",")
        .map((part) => part.trim())
        .filter(Boolean),
    )
    .pipe(z.array(z.enum(values)).min(1));

const querySchema = z.object({
  status: csv(STATUSES).optional(),
  trigger: csv(TRIGGERS).optional(),
  from: z.iso.datetime({ offset: true }).optional(),
  to: z.iso.datetime({ offset: true }).optional(),
  cursor: z.string().min(1).max(200).optional(),
  limit: z.coerce.number().int().min(1).max(HISTORY_PAGE_MAX).default(HISTORY_PAGE_DEFAULT),
});

export function parseHistoryQuery(url: URL): {
  filter: HistoryFilter;
  cursor?: string;
  limit: number;
} {
  const parsed = querySchema.safeParse(Object.fromEntries(url.searchParams));
  if (!parsed.success) {
    throw new AppError(
      "bad_request:run",
      `Use ?status=${STATUSES.join(",")}&trigger=${TRIGGERS.join(",")}&from=<ISO time>&to=<ISO time>&cursor=<nextCursor>&limit=1..${HISTORY_PAGE_MAX}.`,
    );
  }
  const { status, trigger, from, to, cursor, limit } = parsed.data;
  return { filter: { status, trigger, from, to }, cursor, limit };
}
