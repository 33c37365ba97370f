// A workflow's limits (plan `limits`) at the start of its run, whichever way it started: all
// workflows share the one `execute-workflow` function, whose Inngest options (concurrency
// limit, singleton mode, rate, debounce period, timeouts) are static, so the per-workflow
// values are enforced here, in durable steps, on either engine:
// - `limits:admit-<n>` decides under the workflow's lock (lib/db/limit-queries.ts admitRun):
//   go (sets runs.admitted_at), skip (singleton "skip": the run ends cancelled with the
//   reason), or wait; singleton "replace" stops the run going as this one goes;
// - waiting is `limits:wait-<n>`: a sleep until a known instant (a debounce settling, the rate's
//   window moving on) or a wait for a run of the workflow to finish (a slot freed), with a
//   timeout as a backstop (cancelled runs announce nothing); then admit again;
// - a time limit is `limits:deadline`, an event the run-deadline function sleeps on and fails
//   the run at ("Run exceeded its 10 min time limit").
// Runs whose plan has no limits take none of these steps (runs in flight replay unchanged);
// test runs ignore limits (nothing of theirs is real).
import "server-only";
import type { GetStepTools, Inngest } from "inngest";
import { type Admission, admitRun } from "@/lib/db/limit-queries";
import { appendRunEvent } from "@/lib/db/run-queries";
import { describeLimits, durationWords, hasRunLimits, runLimitsOf } from "@/lib/plan/limits";
import type { Plan } from "@/lib/plan/schema";
import { stopRunForLimit } from "@/lib/runs/control";
import { recordRunFinished } from "@/lib/runs/records";
import { runDeadlineSet, runFinished } from "../client";

/**
 * Admissions a run tries before it gives up waiting: each try is two steps, and a wait for a
 * free slot lasts at most MAX_WAIT_S (about 12 h in all); a wait for a known instant (a burst
 * settling, the rate's window moving on) sleeps until it.
 */
export const MAX_ADMISSION_TRIES = 150;
const MAX_WAIT_S = 300;

export type LimitsOutcome =
  | { go: true; trigger?: unknown }
  | { go: false; status: "cancelled" | "failed" | string };

/** What the run's log says while it waits. */
function waitWords(plan: Plan, decision: Extract<Admission, { kind: "wait" }>): string {
  const limits = runLimitsOf(plan);
  if (decision.reason === "debounce") {
    return `Waiting for the burst of deliveries to settle (${durationWords(limits.debounceMs ?? 0)} without a new one)`;
  }
  if (decision.reason === "rate" && limits.rate) {
    return `Waiting: at most ${limits.rate.limit} runs per ${durationWords(limits.rate.periodMs)}`;
  }
  return `Waiting for a free slot: ${describeLimits(plan).find((words) => words.startsWith("at most")) ?? "the workflow's limit"}`;
}

export async function passRunLimits(args: {
  step: GetStepTools<Inngest.Any>;
  run: { runId: string; userId: string; workflowId: string };
  plan: Plan;
  /** Whether the run came from a delivery (a webhook or event trigger; debounce applies). */
  delivery: boolean;
}): Promise<LimitsOutcome> {
  const { step, run, plan } = args;
  const limits = runLimitsOf(plan);
  const debounce = args.delivery && limits.debounceMs !== undefined;
  if (!hasRunLimits(limits) && !debounce) return { go: true };
  const admission = {
    concurrency: limits.concurrency,
    rate: limits.rate,
    singleton: limits.singleton,
    debounce,
  };
  for (let n = 0; n < MAX_ADMISSION_TRIES; n++) {
    const decision = await step.run(`limits:admit-${n}`, async () => {
      const decided = await admitRun({
        runId: run.runId,
        workflowId: run.workflowId,
        limits: admission,
      });
      if (decided.kind === "skip") {
        await recordRunFinished({
          runId: run.runId,
          status: "cancelled",
          error: {
            message: `Skipped: another run of this workflow (${decided.blockingRunId}) was still going, and it runs at most one at a time`,
          },
        });
      } else if (decided.kind === "wait" && n === 0) {
        await appendRunEvent({
          runId: run.runId,
          key: "limits:waiting",
          message: waitWords(plan, decided),
          data: { reason: decided.reason },
        });
      }
      // The instant it was decided (the database's clock decides; a wait sleeps from here).
      return { ...decided, at: new Date().toISOString() };
    });
    if (decision.kind === "ended") return { go: false, status: decision.status };
    if (decision.kind === "skip") return { go: false, status: "cancelled" };
    if (decision.kind === "admitted") {
      if (decision.replaced.length > 0) {
        await step.run("limits:replace", async () => {
          for (const replaced of decision.replaced) {
            await stopRunForLimit({
              runId: replaced,
              end: {
                status: "cancelled",
                error: { message: `Replaced by a newer run (${run.runId}): one run at a time` },
              },
            });
          }
        });
      }
      if (limits.timeoutMs !== undefined) {
        const deadline = new Date(Date.parse(decision.admittedAt) + limits.timeoutMs);
        await step.sendEvent(
          "limits:deadline",
          runDeadlineSet.create(
            {
              runId: run.runId,
              userId: run.userId,
              deadline: deadline.toISOString(),
              timeoutMs: limits.timeoutMs,
            },
            { id: `deadline-${run.runId}` },
          ),
        );
      }
      return { go: true, trigger: decision.trigger };
    }
    // Whole seconds, from the memoized decision time (the SDK drops sub-second parts).
    if (decision.until) {
      const seconds = Math.max(
        1,
        Math.ceil((Date.parse(decision.until) - Date.parse(decision.at)) / 1000),
      );
      // A known instant: no cap (a 7-day debounce sleeps once, not 2,000 times).
      await step.sleep(`limits:wait-${n}`, `${seconds}s`);
    } else {
      await step.waitForEvent(`limits:wait-${n}`, {
        event: runFinished.name,
        if: `async.data.workflowId == ${JSON.stringify(run.workflowId)}`,
        timeout: `${Math.min(MAX_WAIT_S, 5 * 2 ** Math.min(n, 6))}s`,
      });
    }
  }
  await step.run("limits:gave-up", () =>
    recordRunFinished({
      runId: run.runId,
      status: "failed",
      error: { message: "Waited too long for a free slot under the workflow's limits" },
    }),
  );
  return { go: false, status: "failed" };
}
