// Schedule triggers: a once-a-minute tick finds the approved workflows whose cron fired in the
// minute that just ended (in the plan's time zone) and starts one run for each fire time. A
// one-shot trigger (`once`) is a schedule with a single fire time: started by the tick whose
// minute holds it (or late, after downtime, like any missed fire time) and never again — its
// run id derives from the instant, and no later window holds it. The
// run id is derived from workflow and fire time, so a repeated tick never starts it twice.
// After downtime (the app or its executor was not running), the first tick also starts, per
// workflow, the latest fire time it missed in the last 24 hours — marked late — rather than
// silently skipping it or replaying every missed minute. A paused workflow starts nothing, and
// once resumed never starts a fire time from before its `resumedAt` (no back-fill unless the
// person asks for one: lib/workflows/pause.ts).
import "server-only";
import { inngest as appClient, runRequested } from "@/inngest/client";
import { appendRunEvent, createRun } from "@/lib/db/run-queries";
import { listActiveWorkflowVersions } from "@/lib/db/workflow-queries";
import { logError } from "@/lib/log";
import { lastFireTimeIn, nextFireTimes } from "@/lib/plan/schedule";
import type { Plan } from "@/lib/plan/schema";
import { readStoredPlan } from "@/lib/workflows/pinned-plan";
import { derivedUuid } from "./derived-id";
import { postRunCard } from "./thread-messages";

type Sender = Pick<typeof appClient, "send">;

/**
 * Fire times of a plan's schedule in (from, to]: a cron's, or a one-shot trigger's instant
 * (which is in one window only, so it starts once); none for other triggers.
 */
export function dueFireTimes(plan: Plan, from: Date, to: Date): Date[] {
  if (plan.trigger.type !== "schedule" && plan.trigger.type !== "once") return [];
  return nextFireTimes(plan.trigger, 10, from).filter((at) => at.getTime() <= to.getTime());
}

/** A UUID that is a pure function of the workflow and the fire time. */
export function scheduledRunId(workflowId: string, at: Date): string {
  return derivedUuid(`${workflowId}@${at.toISOString()}`, "a");
}

export type DueRun = {
  workflowId: string;
  versionId: string;
  userId: string;
  threadId: string | null;
  title: string;
  at: string;
  /** A fire time missed while nothing was ticking, started by a later tick. */
  late?: boolean;
  /** A fire time missed while the workflow was paused, started because the person asked. */
  backfill?: boolean;
};

const MINUTE = 60_000;
/** The whole minute a tick stands for: its event's time, rounded down. */
export function tickMinute(ts: number): Date {
  return new Date(Math.floor(ts / MINUTE) * MINUTE);
}
/** How far back a tick after downtime looks for missed fire times. */
export const CATCH_UP_MS = 24 * 60 * MINUTE;

/**
 * What a tick at `at` (a whole minute) covers: the minute that just ended, and — when the
 * watermark says earlier minutes were never looked at — the gap before it, capped at a day.
 */
export function tickWindows(
  at: Date,
  watermark: Date | null,
): { due: [Date, Date]; missed: [Date, Date] | null } {
  const minuteStart = new Date(at.getTime() - MINUTE);
  if (!watermark || watermark.getTime() >= minuteStart.getTime()) {
    return { due: [minuteStart, at], missed: null };
  }
  const from = new Date(Math.max(watermark.getTime(), at.getTime() - CATCH_UP_MS));
  return {
    due: [minuteStart, at],
    missed: from.getTime() < minuteStart.getTime() ? [from, minuteStart] : null,
  };
}

type ActiveVersion = Awaited<ReturnType<typeof listActiveWorkflowVersions>>[number];

function dueRun({ workflow, version }: ActiveVersion, at: Date, late?: true): DueRun {
  return {
    workflowId: workflow.id,
    versionId: version.id,
    userId: workflow.userId,
    threadId: workflow.threadId,
    title: workflow.title,
    at: at.toISOString(),
    ...(late ? { late } : {}),
  };
}

/** The approved versions whose plan parses, with their plan. */
async function activePlans(): Promise<(ActiveVersion & { plan: Plan })[]> {
  const out: (ActiveVersion & { plan: Plan })[] = [];
  for (const active of await listActiveWorkflowVersions()) {
    const read = readStoredPlan(active.version.plan);
    if (read.ok) out.push({ ...active, plan: read.plan });
  }
  return out;
}

/** Fire times at or before this are never started by a tick: the workflow was paused then. */
function resumedFloor(active: ActiveVersion): number {
  return active.workflow.resumedAt?.getTime() ?? Number.NEGATIVE_INFINITY;
}

/** Every scheduled run due in (from, to], none from before the workflow was last resumed. */
export async function findDueRuns(from: Date, to: Date): Promise<DueRun[]> {
  return (await activePlans()).flatMap((active) =>
    dueFireTimes(active.plan, from, to)
      .filter((at) => at.getTime() > resumedFloor(active))
      .map((at) => dueRun(active, at)),
  );
}

/**
 * For each approved schedule, the latest fire time in (from, to] after its version was
 * approved: one late run per workflow, however long the gap.
 */
export async function findMissedRuns(from: Date, to: Date): Promise<DueRun[]> {
  return (await activePlans()).flatMap((active) => {
    const approvedAt = active.version.approvedAt ?? active.version.createdAt;
    // Nor before it was resumed: what fired while it was paused is not "missed" (no back-fill).
    const since = new Date(
      Math.max(from.getTime(), approvedAt.getTime(), active.workflow.resumedAt?.getTime() ?? 0),
    );
    const at = lastFireTimeIn(active.plan.trigger, since, to);
    return at ? [dueRun(active, at, true)] : [];
  });
}

/**
 * What the tick at `at` (a whole minute) starts, given how far ticks have looked: the fire
 * times of the minute that just ended and, after downtime, each workflow's latest missed one.
 */
export async function runsDueAtTick(at: Date, watermark: Date | null): Promise<DueRun[]> {
  const windows = tickWindows(at, watermark);
  const missed = windows.missed ? await findMissedRuns(...windows.missed) : [];
  return [...missed, ...(await findDueRuns(...windows.due))];
}

/** Starts one due run (idempotent: the same workflow and fire time is one run). */
export async function startScheduledRun(due: DueRun, client: Sender = appClient) {
  const runId = scheduledRunId(due.workflowId, new Date(due.at));
  const run = await createRun({
    id: runId,
    workflowId: due.workflowId,
    versionId: due.versionId,
    userId: due.userId,
    threadId: due.threadId,
    trigger: { type: "schedule", scheduledAt: due.at },
  });
  if (due.late) {
    await appendRunEvent({
      runId,
      key: "run:late",
      level: "warn",
      message: `Started late: the app was not running when the schedule fired (${due.at})`,
      data: { scheduledAt: due.at },
    });
  }
  if (due.backfill) {
    await appendRunEvent({
      runId,
      key: "run:backfill",
      level: "info",
      message: `Back-filled: the workflow was paused when the schedule fired (${due.at})`,
      data: { scheduledAt: due.at },
    });
  }
  if (run.status === "queued") {
    await postRunCard({ run, title: due.title }).catch((error) =>
      logError("[runs] could not post the run card", error),
    );
  }
  await client.send(
    runRequested.create(
      { runId, userId: due.userId, workflowId: due.workflowId, versionId: due.versionId, depth: 0 },
      { id: `run-${runId}` },
    ),
  );
  return runId;
}
