// The interpreter's `load` step: the run record, its pinned plan, the person, the resume URLs of
// the plan's waits. What it returns is memoized, so every replay sees the same plan and clock
// zone even if the version or the person's settings change meanwhile.
import "server-only";
import type { ActionRegistry } from "@/lib/actions/registry";
import { getUserById } from "@/lib/db/queries";
import { getRunById } from "@/lib/db/run-queries";
import type { Run } from "@/lib/db/schema";
import type { WaitChoice } from "@/lib/plan/effects";
import { type Plan, planTimeZone } from "@/lib/plan/schema";
import { waitStepIds } from "@/lib/plan/waits";
import { recordRunFinished, recordRunStarted } from "@/lib/runs/records";
import { waitUrlsFor } from "@/lib/runs/resume";
import { isTerminal } from "@/lib/runs/status";
import { loadPinnedPlan } from "@/lib/workflows/pinned-plan";

/** The memoized result of `load` (its shape must not change: runs in flight replay it). */
export type LoadedRun =
  | {
      ok: true;
      plan: Plan;
      trigger: unknown;
      user: { id: string; email: string; name?: string; timeZone?: string };
      timeZone: string;
      waits: Record<string, { url: string }>;
      threadId?: string;
      /** A re-run: the run it re-runs and the units whose recorded outputs it reuses. */
      reuse?: { sourceRunId: string; units: string[] };
      /** A test run: side effects simulated, each wait taken the chosen way (`runs.test`). */
      test?: { waits: Record<string, WaitChoice>; events: Record<string, unknown> };
      /**
       * Runs loaded since flows replaced passes: each step starts as soon as its own `after`
       * steps are done (run-flow.ts); `at` is when the run started, the logical time of
       * decisions that do not read the clock. Absent in runs that started with passes, which
       * replay their pass-based step ids (run-passes.ts).
       */
      flow?: { version: 1; at: string };
    }
  | { ok: false; status: string };

/**
 * Loads a run that is still to run and marks it started. A run that already ended (a replayed
 * event) or whose plan cannot be read comes back `ok: false`; the latter is recorded as failed.
 */
export async function loadRun(args: {
  runId: string;
  engineRunId: string;
  registry: ActionRegistry;
  appUrl?: string;
  resumeSecret?: string;
}): Promise<LoadedRun> {
  const { runId } = args;
  const run = await getRunById({ runId });
  if (!run) return { ok: false, status: "missing" };
  if (isTerminal(run.status)) {
    return { ok: false, status: run.status };
  }
  const pinned = await loadPinnedPlan({ userId: run.userId, versionId: run.versionId });
  if (!pinned.ok) {
    await recordRunFinished({
      runId,
      status: "failed",
      error: { message: "the pinned plan version is missing or unreadable" },
    });
    return { ok: false, status: "failed" };
  }
  const { plan } = pinned;
  const user = await getUserById({ id: run.userId });
  await recordRunStarted(runId, args.engineRunId);
  return {
    ok: true,
    plan,
    trigger: run.trigger,
    user: {
      id: run.userId,
      email: user?.email ?? "",
      ...(user?.name ? { name: user.name } : {}),
      ...(user?.timezone ? { timeZone: user.timezone } : {}),
    },
    timeZone: planTimeZone(plan, user?.timezone ?? "UTC"),
    waits: waitUrlsFor(runId, waitStepIds(plan, args.registry), args.appUrl, args.resumeSecret),
    threadId: run.threadId ?? undefined,
    ...reuseOf(run),
    ...testOf(run),
    flow: { version: 1, at: new Date().toISOString() },
  };
}

/** How a test run takes its waits and what arrives at them (`runs.test`); nothing for a real run. */
function testOf(run: Run): {
  test?: { waits: Record<string, WaitChoice>; events: Record<string, unknown> };
} {
  if (run.test === null || typeof run.test !== "object") return {};
  const { waits, events } = run.test as { waits?: unknown; events?: unknown };
  const record = (value: unknown) =>
    value && typeof value === "object" && !Array.isArray(value)
      ? (value as Record<string, never>)
      : {};
  return { test: { waits: record(waits), events: record(events) } };
}

/** What a re-run reuses (`runs.rerun.reused`); nothing for a run that is not a re-run. */
function reuseOf(run: Run): { reuse?: { sourceRunId: string; units: string[] } } {
  const reused = (run.rerun as { reused?: unknown } | null)?.reused;
  if (!run.rerunOfId || !Array.isArray(reused) || reused.length === 0) return {};
  return {
    reuse: {
      sourceRunId: run.rerunOfId,
      units: reused.filter((unit): unit is string => typeof unit === "string"),
    },
  };
}
