// What a test run found, step by step: `ran` (with its output), `simulated` (with what it
// would have sent), `skipped` (with the reason), `not reached`, or `failed`. Derived from the
// run's timeline (timeline.ts), so the test card, its graph, `plan test` and the chat tool say
// the same. Pure and client-safe.
import { type WaitBranch, type WouldSend, waitBranchesOf } from "@/lib/plan/effects";
import { buildTimeline, type TimelineStep, type TimelineUnit } from "./timeline";
import type { WirePlanStep, WireRunView } from "./wire";

/**
 * A step's outcome in a test; `pending`, `running` and `waiting` only while the test is under
 * way (`waiting`: a wait the test asks the person about, lib/runs/test-waits.ts).
 */
export type TestOutcome =
  | "ran"
  | "simulated"
  | "skipped"
  | "not reached"
  | "failed"
  | "pending"
  | "running"
  | "waiting";

/** The outcomes a finished test ends each step with, in the order the card explains them. */
export const TEST_OUTCOMES = ["ran", "simulated", "skipped", "not reached", "failed"] as const;

export type TestStepResult = {
  stepId: string;
  /** Its title, else its id. */
  label: string;
  action: string;
  kind: WirePlanStep["kind"];
  phase: WirePlanStep["phase"];
  outcome: TestOutcome;
  /** ran: its output (a loop's: each item's, in order). */
  output?: unknown;
  /** simulated: what it would have sent (a loop's: one per simulated item). */
  wouldSend?: WouldSend[];
  /** skipped, not reached: why, in words. */
  reason?: string;
  /** failed: the error. */
  error?: string;
  /** A loop: how many items it had. */
  items?: number;
  /**
   * waiting: the ways the person may pick for it on the card, until when the test waits (then
   * it times out), and what it is about (an approval's prompt, a wait.event's event name).
   */
  asks?: { ways: readonly WaitBranch[]; until: string | null; prompt?: string; event?: string };
};

export type TestReport = {
  /** The test's verdict: the plan would succeed, would fail, or the test is still going. */
  status: "running" | "succeeded" | "failed" | "cancelled";
  steps: TestStepResult[];
  counts: Record<(typeof TEST_OUTCOMES)[number], number>;
};

/** A skip's recorded cause (`run_steps.output` of attempt 0). */
function skipCause(unit: TimelineUnit): string | undefined {
  const cause = (unit.latest?.output as { cause?: unknown } | null)?.cause;
  return typeof cause === "string" ? cause : undefined;
}

function outcomeOf(unit: TimelineUnit, ran: TestOutcome): TestOutcome {
  switch (unit.state) {
    case "succeeded":
      return ran;
    case "failed":
      return "failed";
    case "skipped":
      // Never decided (the run ended first) or skipped because something before it failed:
      // the test did not get there. A condition or an otherwise branch chose not to run it.
      if (unit.latest === null || skipCause(unit) === "upstream-failed") return "not reached";
      return "skipped";
    case "cancelled":
    case "not-run":
      return "not reached";
    case "pending":
      return "pending";
    // In a test only a wait it asks the person about waits: nothing else does.
    case "waiting":
      return "waiting";
    default:
      return "running";
  }
}

function notReachedReason(step: TimelineStep, status: TestReport["status"]): string {
  if (step.reason && step.latest) return step.reason;
  if (status === "cancelled") return "the test was cancelled first";
  if (step.step.phase === "onFailure") {
    return status === "succeeded" ? "runs only if the run fails" : "the run ended before it";
  }
  return "the run ended before it";
}

function resultOf(step: TimelineStep, status: TestReport["status"]): TestStepResult {
  const units = step.items ? step.items.units : [step];
  const simulations = units.flatMap((unit) =>
    unit.latest?.status === "succeeded" && unit.latest.simulated ? [unit.latest.simulated] : [],
  );
  const outcome = outcomeOf(step, simulations.length > 0 ? "simulated" : "ran");
  const base: TestStepResult = {
    stepId: step.step.id,
    label: step.label,
    action: step.step.action,
    kind: step.step.kind,
    phase: step.step.phase,
    outcome,
    ...(step.items ? { items: step.items.total ?? step.items.units.length } : {}),
  };
  switch (outcome) {
    case "ran":
      return {
        ...base,
        output: step.items
          ? step.items.units.map((unit) => unit.latest?.output ?? null)
          : (step.latest?.output ?? null),
      };
    case "simulated":
      return { ...base, wouldSend: simulations };
    case "skipped":
      return { ...base, reason: step.reason ?? "skipped" };
    case "not reached":
      return { ...base, reason: notReachedReason(step, status) };
    case "failed":
      return { ...base, error: step.error ?? "failed" };
    case "waiting": {
      const input = (step.latest?.input ?? {}) as { prompt?: unknown; event?: unknown };
      return {
        ...base,
        asks: {
          ways: waitBranchesOf(step.step.action),
          until: step.deadline,
          ...(typeof input.prompt === "string" ? { prompt: input.prompt } : {}),
          ...(typeof input.event === "string" ? { event: input.event } : {}),
        },
      };
    }
    default:
      return base;
  }
}

/** The test's report from its run view (live or ended). */
export function testReport(view: WireRunView, now: number = Date.now()): TestReport {
  const status = view.run.status;
  const verdict: TestReport["status"] =
    status === "succeeded" || status === "failed" || status === "cancelled" ? status : "running";
  const steps = buildTimeline(view, now).steps.map((step) => resultOf(step, verdict));
  const counts = { ran: 0, simulated: 0, skipped: 0, "not reached": 0, failed: 0 };
  for (const step of steps) {
    if (step.outcome in counts) counts[step.outcome as keyof typeof counts] += 1;
  }
  return { status: verdict, steps, counts };
}

/** "2 ran, 3 simulated, 1 skipped, 1 not reached" (outcomes with none left out). */
export function countsInWords(counts: TestReport["counts"]): string {
  return TEST_OUTCOMES.filter((outcome) => counts[outcome] > 0)
    .map((outcome) => `${counts[outcome]} ${outcome}`)
    .join(", ");
}
