// Bulk actions on runs: cancel or re-run every run of the person's that matches a filter
// (workflow, statuses, a creation-time range, a failed step). `countBulk` is the dry run;
// `createBulkAction` stores the action with that count and sends `runs/bulk.requested`, and
// the durable job (inngest/functions/bulk-runs.ts) works through the runs in batches, so 5,000
// runs never ride on one request. What the job takes is frozen when the action is created: runs
// created later (its own re-runs among them) never match.
import "server-only";
import { z } from "zod";
import { inngest as appClient, bulkRequested } from "@/inngest/client";
import {
  type BulkRunFilter,
  countBulkRuns,
  createBulkActionRow,
  finishBulkAction,
} from "@/lib/db/bulk-queries";
import type { BulkAction } from "@/lib/db/schema";
import { getWorkflow } from "@/lib/db/workflow-queries";
import { AppError } from "@/lib/errors";
import { logError } from "@/lib/log";
import { ACTIVE_STATUSES, type RunStatus, TERMINAL_STATUSES } from "./status";

type Sender = Pick<typeof appClient, "send">;

export const BULK_KINDS = ["cancel", "rerun"] as const;
export type BulkKind = (typeof BULK_KINDS)[number];

/** Which runs each kind may take: a cancel stops runs still going, a re-run repeats ended ones. */
export const BULK_STATUSES: Record<BulkKind, readonly RunStatus[]> = {
  cancel: ACTIVE_STATUSES,
  rerun: TERMINAL_STATUSES,
};
/** What a filter without statuses means. */
const DEFAULT_STATUSES: Record<BulkKind, RunStatus[]> = {
  cancel: [...ACTIVE_STATUSES],
  rerun: ["failed"],
};

/** The most runs one bulk action takes (500 batches of 200, inngest/functions/bulk-runs.ts). */
export const MAX_BULK_RUNS = 100_000;

/** How far back a time range may reach (runs are pruned long before this anyway). */
const MAX_RANGE_MS = 366 * 24 * 60 * 60 * 1000;

const ALL_STATUSES = [...ACTIVE_STATUSES, ...TERMINAL_STATUSES] as [RunStatus, ...RunStatus[]];

/** The filter as it travels (JSON): routes, the chat tool and the stored action use it. */
export const bulkFilterSchema = z.strictObject({
  workflowId: z.uuid().optional(),
  status: z.array(z.enum(ALL_STATUSES)).min(1).max(6).optional(),
  from: z.iso.datetime({ offset: true }).optional(),
  to: z.iso.datetime({ offset: true }).optional(),
  failedStep: z.string().min(1).max(64).optional(),
});
export type BulkFilterInput = z.infer<typeof bulkFilterSchema>;

export const RERUN_FROM = ["failed", "start"] as const;
export const RERUN_VERSIONS = ["pinned", "latest"] as const;
/** Where each re-run starts: the failed step, the start, or a step id; on which version. */
export type BulkRerunOptions = { from: string; version: (typeof RERUN_VERSIONS)[number] };

/**
 * The filter checked for `kind`: statuses the kind can act on (a cancel never touches an ended
 * run, a re-run never one still going), a time range that is in order and not absurdly long.
 * Throws `bad_request:run` with what to change.
 */
export function checkBulkFilter(
  kind: BulkKind,
  input: BulkFilterInput,
  now = new Date(),
): BulkRunFilter {
  const statuses = input.status ? [...new Set(input.status)] : DEFAULT_STATUSES[kind];
  const wrong = statuses.filter((status) => !BULK_STATUSES[kind].includes(status));
  if (wrong.length > 0) {
    throw new AppError(
      "bad_request:run",
      kind === "cancel"
        ? `Only runs still going can be cancelled (queued, running, waiting), not ${wrong.join(", ")} ones.`
        : `Only runs that ended can be re-run (failed, cancelled, succeeded), not ${wrong.join(", ")} ones.`,
    );
  }
  const from = input.from ? new Date(input.from) : undefined;
  const to = input.to ? new Date(input.to) : undefined;
  if (from && to && from.getTime() > to.getTime()) {
    throw new AppError("bad_request:run", "The time range ends before it starts.");
  }
  if (from && from.getTime() > now.getTime()) {
    throw new AppError("bad_request:run", "The time range starts in the future.");
  }
  if (from && (to ?? now).getTime() - from.getTime() > MAX_RANGE_MS) {
    throw new AppError("bad_request:run", "The time range is longer than a year.");
  }
  return {
    statuses,
    ...(input.workflowId ? { workflowId: input.workflowId } : {}),
    ...(from ? { from } : {}),
    ...(to ? { to } : {}),
    ...(input.failedStep ? { failedStep: input.failedStep } : {}),
  };
}

/** The stored filter back as the job's filter (it was checked when the action was created). */
export function storedBulkFilter(stored: unknown): BulkRunFilter {
  const input = bulkFilterSchema.parse(stored) as BulkFilterInput & { status: RunStatus[] };
  return {
    statuses: input.status,
    ...(input.workflowId ? { workflowId: input.workflowId } : {}),
    ...(input.from ? { from: new Date(input.from) } : {}),
    ...(input.to ? { to: new Date(input.to) } : {}),
    ...(input.failedStep ? { failedStep: input.failedStep } : {}),
  };
}

/** A named workflow must be the caller's (404 like any other of someone else's). */
async function requireOwnWorkflow(userId: string, filter: BulkRunFilter) {
  if (filter.workflowId && !(await getWorkflow({ id: filter.workflowId, userId }))) {
    throw new AppError("not_found:workflow", "This workflow does not exist or is not yours.");
  }
}

/** The dry run: how many of the caller's runs the action would take now. */
export async function countBulk({
  userId,
  kind,
  filter: input,
}: {
  userId: string;
  kind: BulkKind;
  filter: BulkFilterInput;
}): Promise<number> {
  const filter = checkBulkFilter(kind, input);
  await requireOwnWorkflow(userId, filter);
  return countBulkRuns({ userId, filter, upTo: "now" });
}

/** A bulk action's progress as routes and tools answer it. */
export type BulkProgress = {
  id: string;
  kind: BulkKind;
  status: BulkAction["status"];
  total: number;
  done: number;
  failed: number;
  createdAt: string;
  finishedAt: string | null;
  error: string | null;
};

export function bulkProgressOf(action: BulkAction): BulkProgress {
  const error = action.error as { message?: unknown } | null;
  return {
    id: action.id,
    kind: action.kind,
    status: action.status,
    total: action.total,
    done: action.done,
    failed: action.failed,
    createdAt: action.createdAt.toISOString(),
    finishedAt: action.finishedAt?.toISOString() ?? null,
    error: typeof error?.message === "string" ? error.message : null,
  };
}

/**
 * Stores a bulk action over what the filter matches now (its `total`) and asks the engine to
 * work through it. Nothing matching is a 409: there would be nothing to do.
 */
export async function createBulkAction({
  userId,
  kind,
  filter: input,
  options,
  client = appClient,
}: {
  userId: string;
  kind: BulkKind;
  filter: BulkFilterInput;
  options?: BulkRerunOptions;
  client?: Sender;
}): Promise<BulkAction> {
  const filter = checkBulkFilter(kind, input);
  await requireOwnWorkflow(userId, filter);
  const total = await countBulkRuns({ userId, filter, upTo: "now" });
  if (total === 0) {
    throw new AppError("conflict:run", "No runs match this filter: there is nothing to do.");
  }
  if (total > MAX_BULK_RUNS) {
    throw new AppError(
      "conflict:run",
      `${total} runs match: one bulk action takes at most ${MAX_BULK_RUNS}. Narrow the filter (a workflow, a time range).`,
    );
  }
  const stored: BulkFilterInput = {
    ...input,
    status: filter.statuses as BulkFilterInput["status"],
  };
  const action = await createBulkActionRow({
    userId,
    kind,
    filter: stored,
    options: kind === "rerun" ? (options ?? { from: "failed", version: "pinned" }) : {},
    total,
  });
  try {
    await client.send(
      bulkRequested.create({ bulkActionId: action.id, userId }, { id: `bulk-${action.id}` }),
    );
  } catch (error) {
    logError("[runs] could not reach the workflow engine for a bulk action", error);
    await finishBulkAction({
      id: action.id,
      status: "failed",
      error: { message: "The workflow engine could not be reached; nothing was done." },
    });
    throw new AppError(
      "unavailable:run",
      "The workflow engine is not reachable right now; nothing was done.",
    );
  }
  return action;
}
