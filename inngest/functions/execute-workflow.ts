// The plan interpreter: one Inngest function run per workflow run. It loads the pinned plan
// version (`load`), runs the plan's steps as durable steps with deterministic ids (the unit
// id: `fetch`, `fetch#3`), then records the run's end (`finish`) and announces it
// (`announce-finished`). A re-run's reused units run as their own step too, which copies the
// recorded output instead (reused-units.ts).
//
// No waves (run-flow.ts): each unit, when done, continues its own chain; a step starts as soon
// as all of ITS `after` steps have a result, whatever its siblings are doing, and a loop keeps
// its concurrency in flight. Units that run beside others are planned in Inngest's race mode,
// so the engine comes back after each one instead of joining them.
//
// Determinism: everything outside a step is a function of memoized step results (the loaded
// plan, unit outcomes, a step's own memoized clock) and of outputs stored once in run_outputs
// under a memoized reference; a step is decided from the results of its own dependencies only,
// never from the order units finished in. Step ids (`load`, `<unit>`,
// `<unit>:arm|wait|done|start|invoke|test`, `<step>:decide`, `<step>:loop`, `finish`,
// `announce-finished`) and what each memoizes must not change: runs in flight replay them.
// A plan with `limits` takes `limits:admit-<n>` / `limits:wait-<n>` (and `limits:replace`,
// `limits:deadline`) between `load` and its first unit (run-limits.ts).
// Runs whose memoized `load` has no `flow` started before flows and keep their pass loop
// (run-passes.ts: `pass-<n>:now`, `pass-<n>:decided`).
import "server-only";
import { type GetStepTools, type Inngest, NonRetriableError } from "inngest";
import type { ActionRegistry } from "@/lib/actions/registry";
import { env } from "@/lib/env";
import type { ReadyUnit, RunFailure, RunState, UnitResult } from "@/lib/plan/progress";
import type { Plan } from "@/lib/plan/schema";
import { recordRunFinished } from "@/lib/runs/records";
import { INLINE_OUTPUT_MAX_BYTES, summarize } from "@/lib/runs/summary";
import { runCancelRequested, runFailed, runFinished, runRequested } from "../client";
import { functionMiddleware } from "../middleware/safe-errors";
import { serverContextFactory } from "./action-context";
import { runChildUnit } from "./child-runs";
import { type LoadedRun, loadRun } from "./load-run";
import { RecordsBehind } from "./records-behind";
import { runReusedUnit } from "./reused-units";
import { runFlow } from "./run-flow";
import { passRunLimits } from "./run-limits";
import { runPasses } from "./run-passes";
import {
  type ContextFactory,
  createOutputLoader,
  messageOf,
  type RunInfo,
  runTaskUnit,
} from "./unit-steps";
import { runTestWaitUnit, runWaitUnit } from "./wait-steps";

export const EXECUTE_WORKFLOW_ID = "execute-workflow";
/** Plan steps may ask for up to 10 attempts; the function allows as many (see unit-steps). */
export const FUNCTION_RETRIES = 9;

export type RunRequest = {
  runId: string;
  userId: string;
  workflowId: string;
  versionId: string;
  depth?: number;
};

export type ExecuteWorkflowOptions = {
  client: Inngest.Any;
  registry: ActionRegistry;
  /** Builds each unit's ActionContext inside its step; default: the person's secrets + DB services. */
  createContext?: ContextFactory;
  /** Runs of one person executing steps at once (default RUN_CONCURRENCY_PER_USER). */
  concurrencyPerUser?: number;
  /** Base URL of resume links (default APP_URL, else http://127.0.0.1:$PORT). */
  appUrl?: string;
  /** Key resume links are signed with (default RUN_RESUME_SECRET or derived). */
  resumeSecret?: string;
};

export type RunResult = { runId: string; status: "succeeded" | "cancelled"; output?: unknown };

/** The run's result: the output of its last step, or of each last step when there are several. */
function runOutput(plan: Plan, state: RunState): unknown {
  const needed = new Set(plan.steps.flatMap((step) => step.after ?? []));
  const sinks = plan.steps.filter((step) => !needed.has(step.id));
  const outputOf = (id: string) => {
    const result = state.results[id];
    return result?.status === "succeeded" ? result.output : null;
  };
  if (sinks.length === 1) return outputOf(sinks[0].id);
  return Object.fromEntries(sinks.map((step) => [step.id, outputOf(step.id)]));
}

export function createExecuteWorkflow(options: ExecuteWorkflowOptions) {
  const { client, registry } = options;
  const createContext = options.createContext ?? serverContextFactory;

  const fn = client.createFunction(
    {
      id: EXECUTE_WORKFLOW_ID,
      name: "Execute workflow",
      triggers: [runRequested],
      middleware: functionMiddleware,
      retries: FUNCTION_RETRIES,
      cancelOn: [{ event: runCancelRequested.name, match: "data.runId" }],
      concurrency: {
        limit: options.concurrencyPerUser ?? env().RUN_CONCURRENCY_PER_USER,
        key: "event.data.userId",
      },
      // Anything that fails the function outside the plan's own handling (the run record
      // could not be loaded, a bug) still ends the run record.
      onFailure: async ({ event, error, step }) => {
        const request = (event.data as { event?: { data?: RunRequest } }).event?.data;
        if (!request?.runId) return;
        await step.run("mark-failed", () =>
          recordRunFinished({
            runId: request.runId,
            status: "failed",
            error: { message: messageOf(error) },
          }),
        );
        // The function ended without waiting for the child runs it had started: they end
        // with it (the cancel event's cancel-child-runs; the engine run is over already).
        await step.sendEvent(
          "cancel-children",
          runCancelRequested.create(
            { runId: request.runId, userId: request.userId },
            { id: `failed-cancel-${request.runId}` },
          ),
        );
      },
    },
    async ({ event, step, group, attempt, runId: engineRunId }) => {
      const request = event.data as RunRequest;
      const { runId } = request;

      const loaded: LoadedRun = await step.run("load", () =>
        loadRun({
          runId,
          engineRunId,
          registry,
          appUrl: options.appUrl,
          resumeSecret: options.resumeSecret,
        }),
      );
      if (!loaded.ok) return { runId, status: loaded.status, skipped: true };

      const { plan } = loaded;
      // The workflow's limits (run-limits.ts): a run may wait its turn, be skipped, or go with
      // the last delivery of a debounced burst. Plans without limits take no step here.
      const triggerType = (loaded.trigger as { type?: string } | null)?.type;
      const gate = loaded.test
        ? { go: true as const, trigger: undefined }
        : await passRunLimits({
            step,
            run: { runId, userId: request.userId, workflowId: request.workflowId },
            plan,
            delivery: triggerType === "webhook" || triggerType === "event",
          });
      if (!gate.go) return { runId, status: gate.status, skipped: true };
      const run: RunInfo = {
        runId,
        workflowId: request.workflowId,
        userId: request.userId,
        threadId: loaded.threadId,
      };
      const loadOutput = createOutputLoader(runId);
      // What this call's units share (the person's secrets, read once per call).
      const shared = new Map<string, Promise<unknown>>();
      const reused = new Set(loaded.reuse?.units ?? []);
      // A test run simulates side effects and takes waits the chosen way (load-run `test`).
      const test = loaded.test ? { userEmail: loaded.user.email || undefined } : undefined;
      // Quick reads' records written behind their steps (records-behind.ts): settled before
      // the next unit starts and before the run's end.
      const behind = new RecordsBehind(runId);
      const runUnit = async (unit: ReadyUnit): Promise<UnitResult> => {
        if (behind.unsettled) await behind.settle();
        if (loaded.test) {
          if (registry.get(unit.step.action)?.kind === "wait") {
            const branch = loaded.test.waits[unit.stepId] ?? "timeout";
            const arrives = loaded.test.events[unit.stepId];
            return runTestWaitUnit({ step, run, unit, registry, branch, arrives });
          }
          // workflow.run too: its simulation checks the child and starts nothing.
          return runTaskUnit({
            step,
            run,
            unit,
            registry,
            engineAttempt: attempt,
            createContext,
            loadOutput,
            test,
            shared,
          });
        }
        if (loaded.reuse && reused.has(unit.id)) {
          const sourceRunId = loaded.reuse.sourceRunId;
          return runReusedUnit({ step, run, unit, sourceRunId, loadOutput });
        }
        if (registry.get(unit.step.action)?.kind === "wait") {
          return runWaitUnit({ step, run, unit });
        }
        if (unit.step.action === "workflow.run") {
          return runChildUnit({ step, fn, run, unit, depth: request.depth ?? 0 });
        }
        return runTaskUnit({
          step,
          run,
          unit,
          registry,
          engineAttempt: attempt,
          createContext,
          loadOutput,
          shared,
          behind,
        });
      };

      const context = {
        trigger: gate.trigger !== undefined ? gate.trigger : loaded.trigger,
        user: loaded.user,
        waits: loaded.waits,
        timeZone: loaded.timeZone,
      };
      const { state, failure } = loaded.flow
        ? await runFlow({
            step,
            inRace: (work) => group.parallel({ mode: "race" }, work),
            runId,
            plan,
            context: { ...context, now: loaded.flow.at },
            runUnit,
          })
        : await runPasses({ step, runId, plan, context, runUnit });
      const output = failure
        ? undefined
        : summarize(runOutput(plan, state), INLINE_OUTPUT_MAX_BYTES);
      await behind.settle();
      return finishRun({ step, request, failure, output, test: !!loaded.test, behind });
    },
  );
  return fn;
}

/**
 * The run settled: record its end (`finish`), announce it for workflows triggered by it
 * (`announce-finished`), and end the function: a failed run fails it for good.
 */
async function finishRun(args: {
  step: GetStepTools<Inngest.Any>;
  request: RunRequest;
  failure: RunFailure | undefined;
  /** The run's output, summarized; none when it failed. */
  output: unknown;
  /** A test run: its end starts nothing (no `announce-finished`). */
  test?: boolean;
  /** Records written behind their steps: any this call did not see land are written first. */
  behind?: RecordsBehind;
}): Promise<RunResult> {
  const { step, request, failure, output } = args;
  const { runId } = request;
  await step.run("finish", async () => {
    await args.behind?.reconcile();
    return recordRunFinished({
      runId,
      status: failure ? "failed" : "succeeded",
      error: failure,
      output,
    });
  });
  // Workflows triggered by this one's end ("when the digest fails, …") start from it; a test
  // run's end is not an event of the app: nothing starts from it, no wait.event hears it.
  if (!args.test) {
    const ref = { runId, userId: request.userId, workflowId: request.workflowId };
    const depth = request.depth ?? 0;
    await step.sendEvent("announce-finished", [
      runFinished.create(
        {
          ...ref,
          status: failure ? "failed" : "succeeded",
          ...(failure ? { error: failure } : {}),
          depth,
        },
        { id: `finished-${runId}` },
      ),
      ...(failure
        ? [
            runFailed.create(
              { ...ref, status: "failed" as const, error: failure, depth },
              { id: `failed-${runId}` },
            ),
          ]
        : []),
    ]);
  }
  if (failure) {
    throw new NonRetriableError(`step "${failure.step}" failed: ${failure.message}`);
  }
  return { runId, status: "succeeded", output };
}
