// The plan interpreter: one Inngest function run per workflow run. It loads the pinned plan
// version, then loops: capture `now` in a step, ask the pure scheduler (lib/plan) what is
// ready, run every ready unit in parallel as durable steps with deterministic ids (the unit
// id: `fetch`, `fetch#3`), record the results, until the run settles.
//
// Determinism: everything outside a step is a function of memoized step results (the loaded
// plan, each pass's `now`, unit outcomes) and of outputs stored once in run_outputs under a
// memoized reference. Units of one pass run as one wave (`Promise.all`); the next pass starts
// when the wave is done.
import "server-only";
import { createHash } from "node:crypto";
import { type Inngest, NonRetriableError } from "inngest";
import type { ActionRegistry } from "@/lib/actions/registry";
import { createServerActionContext } from "@/lib/actions/runtime/server-context";
import { withoutDatabaseDetails } from "@/lib/db/errors";
import { getUserById } from "@/lib/db/queries";
import { getRunById, loadRunOutput } from "@/lib/db/run-queries";
import { getWorkflowVersion } from "@/lib/db/workflow-queries";
import { env } from "@/lib/env";
import {
  initialRunState,
  nextActions,
  type ReadyUnit,
  type RunState,
  recordResults,
  resolveUnitInput,
  type UnitResult,
} from "@/lib/plan/scheduler";
import { type Plan, PlanSchema, planTimeZone } from "@/lib/plan/schema";
import { waitStepIds } from "@/lib/plan/waits";
import {
  errorRecord,
  recordAttemptFinished,
  recordAttemptStarted,
  recordDecidedFailure,
  recordLoopFinished,
  recordRunFinished,
  recordRunStarted,
  recordSkipped,
  splitUnitId,
} from "@/lib/runs/records";
import { waitUrlsFor } from "@/lib/runs/resume";
import { prepareRun } from "@/lib/runs/start-run";
import { isTerminal } from "@/lib/runs/status";
import { INLINE_OUTPUT_MAX_BYTES, isOutputRef, summarize } from "@/lib/runs/summary";
import { loadSecrets } from "@/lib/secrets/store";
import { runCancelRequested, runFinished, runRequested, waitResumed } from "../client";
import { functionMiddleware } from "../middleware/safe-errors";
import { type ContextFactory, executeTaskUnit, type RunInfo } from "./unit-steps";
import { armUnitWait, finishUnitWait } from "./wait-steps";

export const EXECUTE_WORKFLOW_ID = "execute-workflow";
/** Plan steps may ask for up to 10 attempts; the function allows as many (see unit-steps). */
export const FUNCTION_RETRIES = 9;
/** workflow.run levels a run may nest. */
export const MAX_WORKFLOW_DEPTH = 5;
const MAX_PASSES = 2000;

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

type Loaded =
  | {
      ok: true;
      plan: unknown;
      trigger: unknown;
      user: { id: string; email: string; name?: string; timeZone?: string };
      timeZone: string;
      waits: Record<string, { url: string }>;
      threadId?: string;
    }
  | { ok: false; status: string };

export const serverContextFactory: ContextFactory = async (options) => {
  const secrets = await loadSecrets({ userId: options.userId });
  const context = await createServerActionContext({ ...options, secrets });
  return { context, secrets };
};

/** A stable UUID for the child run a workflow.run unit starts (retries reuse it). */
export function childRunId(runId: string, unitId: string): string {
  const hex = createHash("sha256").update(`child:${runId}:${unitId}`).digest("hex");
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-4${hex.slice(13, 16)}-a${hex.slice(17, 20)}-${hex.slice(20, 32)}`;
}

function messageOf(thrown: unknown): string {
  const error = withoutDatabaseDetails(thrown);
  if (error instanceof Error) return error.message || error.name;
  return String(error);
}

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
      },
    },
    async ({ event, step, attempt, runId: engineRunId }) => {
      const request = event.data as RunRequest;
      const { runId } = request;

      const loaded: Loaded = await step.run("load", async () => {
        const run = await getRunById({ runId });
        if (!run) return { ok: false, status: "missing" } as const;
        if (isTerminal(run.status)) {
          return { ok: false, status: run.status } as const;
        }
        const pinned = await getWorkflowVersion({ versionId: run.versionId, userId: run.userId });
        const plan = PlanSchema.safeParse(pinned?.version.plan);
        if (!pinned || !plan.success) {
          await recordRunFinished({
            runId,
            status: "failed",
            error: { message: "the pinned plan version is missing or unreadable" },
          });
          return { ok: false, status: "failed" } as const;
        }
        const user = await getUserById({ id: run.userId });
        await recordRunStarted(runId, engineRunId);
        return {
          ok: true,
          plan: plan.data,
          trigger: run.trigger,
          user: {
            id: run.userId,
            email: user?.email ?? "",
            ...(user?.name ? { name: user.name } : {}),
            ...(user?.timezone ? { timeZone: user.timezone } : {}),
          },
          timeZone: planTimeZone(plan.data, user?.timezone ?? "UTC"),
          waits: waitUrlsFor(
            runId,
            waitStepIds(plan.data, registry),
            options.appUrl,
            options.resumeSecret,
          ),
          threadId: run.threadId ?? undefined,
        } as const;
      });
      if (!loaded.ok) return { runId, status: loaded.status, skipped: true };

      const plan = loaded.plan as Plan;
      const info: RunInfo = {
        runId,
        workflowId: request.workflowId,
        userId: request.userId,
        threadId: loaded.threadId,
      };
      const stored = new Map<string, unknown>();
      const hydrate = async (unitId: string, output: unknown) => {
        if (!isOutputRef(output)) return output;
        if (!stored.has(unitId)) stored.set(unitId, await loadRunOutput({ runId, unitId }));
        return stored.get(unitId);
      };

      const runTask = async (unit: ReadyUnit): Promise<UnitResult> => {
        const action = registry.get(unit.step.action);
        if (!action) {
          return { status: "failed", error: { message: `unknown action "${unit.step.action}"` } };
        }
        try {
          const outcome = await step.run(unit.id, () =>
            executeTaskUnit({ run: info, unit, action, engineAttempt: attempt, createContext }),
          );
          return { status: "succeeded", output: await hydrate(unit.id, outcome.output) };
        } catch (error) {
          return { status: "failed", error: { message: messageOf(error) } };
        }
      };

      const runWait = async (unit: ReadyUnit): Promise<UnitResult> => {
        try {
          const armed = await step.run(`${unit.id}:arm`, () => armUnitWait({ run: info, unit }));
          let resumed: { data?: { payload?: unknown } } | null = null;
          if (!armed.signaled && armed.deadline !== null) {
            resumed = await step.waitForEvent(`${unit.id}:wait`, {
              event: waitResumed.name,
              if: `async.data.runId == ${JSON.stringify(runId)} && async.data.stepId == ${JSON.stringify(unit.stepId)}`,
              // A duration from the memoized arm time, not a Date: the embedded executor
              // misreads absolute timeouts (reported), and this stays deterministic.
              // Whole seconds, rounded up: the SDK drops sub-second parts of a duration.
              timeout:
                Math.ceil(
                  Math.max(1000, Date.parse(armed.deadline) - Date.parse(armed.startedAt)) / 1000,
                ) * 1000,
            });
          }
          const output = await step.run(`${unit.id}:done`, () =>
            finishUnitWait({ run: info, unit, armed, event: resumed }),
          );
          return { status: "succeeded", output };
        } catch (error) {
          return { status: "failed", error: { message: messageOf(error) } };
        }
      };

      const runChild = async (unit: ReadyUnit): Promise<UnitResult> => {
        const depth = request.depth ?? 0;
        try {
          const child = await step.run(`${unit.id}:start`, async () => {
            const startedAt = new Date();
            const resolved = (await resolveUnitInput(unit)) as {
              workflow?: string;
              input?: Record<string, unknown>;
            };
            await recordAttemptStarted({
              runId,
              unitId: unit.id,
              attempt: 1,
              input: resolved,
              startedAt,
            });
            try {
              if (depth + 1 > MAX_WORKFLOW_DEPTH) {
                throw new Error(`workflows may nest at most ${MAX_WORKFLOW_DEPTH} levels deep`);
              }
              const childRun = await prepareRun({
                userId: request.userId,
                workflowId: String(resolved.workflow ?? ""),
                inputs: resolved.input ?? {},
                threadId: loaded.threadId,
                runId: childRunId(runId, unit.id),
              });
              return {
                runId: childRun.id,
                workflowId: childRun.workflowId,
                versionId: childRun.versionId,
                startedAt: startedAt.toISOString(),
              };
            } catch (error) {
              await recordAttemptFinished({
                runId,
                unitId: unit.id,
                attempt: 1,
                status: "failed",
                error: errorRecord(error),
                startedAt,
                finishedAt: new Date(),
              });
              throw new NonRetriableError(messageOf(error));
            }
          });
          let result: UnitResult;
          try {
            const value = (await step.invoke(`${unit.id}:invoke`, {
              function: fn,
              data: {
                runId: child.runId,
                userId: request.userId,
                workflowId: child.workflowId,
                versionId: child.versionId,
                depth: depth + 1,
              },
            })) as { output?: unknown } | null;
            result = {
              status: "succeeded",
              output: { runId: child.runId, status: "succeeded", output: value?.output ?? null },
            };
          } catch (error) {
            result = {
              status: "failed",
              error: { message: `workflow run ${child.runId} failed: ${messageOf(error)}` },
            };
          }
          await step.run(`${unit.id}:done`, () =>
            recordAttemptFinished({
              runId,
              unitId: unit.id,
              attempt: 1,
              status: result.status === "succeeded" ? "succeeded" : "failed",
              output: result.status === "succeeded" ? result.output : undefined,
              error: result.status === "failed" ? result.error : undefined,
              startedAt: new Date(child.startedAt),
              finishedAt: new Date(),
            }),
          );
          return result;
        } catch (error) {
          return { status: "failed", error: { message: messageOf(error) } };
        }
      };

      const runUnit = (unit: ReadyUnit): Promise<UnitResult> => {
        const action = registry.get(unit.step.action);
        if (action?.kind === "wait") return runWait(unit);
        if (unit.step.action === "workflow.run") return runChild(unit);
        return runTask(unit);
      };

      let state = initialRunState();
      for (let pass = 0; pass < MAX_PASSES; pass++) {
        const now = await step.run(`pass-${pass}:now`, () => new Date().toISOString());
        const next = await nextActions(plan, state, {
          now,
          trigger: loaded.trigger,
          user: loaded.user,
          waits: loaded.waits,
          timeZone: loaded.timeZone,
        });
        state = next.state;
        if (next.decided.length > 0) {
          const decided = next.decided.map(({ unitId, result }) => ({
            unitId,
            result:
              result.status === "succeeded"
                ? { ...result, output: summarize(result.output, 2048) }
                : result,
          }));
          await step.run(`pass-${pass}:decided`, async () => {
            const at = new Date(now);
            for (const { unitId, result } of decided) {
              const isLoop = !unitId.includes("#") && state.loops?.[unitId] !== undefined;
              if (result.status === "skipped") {
                await recordSkipped({
                  runId,
                  unitId,
                  reason: result.reason,
                  cause: result.cause,
                  at,
                });
              } else if (isLoop) {
                await recordLoopFinished({
                  runId,
                  stepId: splitUnitId(unitId).stepId,
                  status: result.status,
                  items: state.loops?.[unitId]?.items.length ?? 0,
                  message: result.status === "failed" ? result.error.message : undefined,
                });
              } else if (result.status === "failed") {
                await recordDecidedFailure({ runId, unitId, message: result.error.message, at });
              }
            }
          });
        }
        if (next.status !== "running") {
          const failure = next.status === "failed" ? next.failure : undefined;
          const output = failure
            ? undefined
            : summarize(runOutput(plan, state), INLINE_OUTPUT_MAX_BYTES);
          await step.run("finish", () =>
            recordRunFinished({
              runId,
              status: failure ? "failed" : "succeeded",
              error: failure,
              output,
            }),
          );
          // Workflows triggered by this one's end ("when the digest fails, …") start from it.
          await step.sendEvent(
            "announce-finished",
            runFinished.create(
              {
                runId,
                userId: request.userId,
                workflowId: request.workflowId,
                status: failure ? "failed" : "succeeded",
                ...(failure ? { error: failure } : {}),
                depth: request.depth ?? 0,
              },
              { id: `finished-${runId}` },
            ),
          );
          if (failure) {
            throw new NonRetriableError(`step "${failure.step}" failed: ${failure.message}`);
          }
          return { runId, status: "succeeded", output } satisfies RunResult;
        }
        if (next.ready.length === 0) continue;
        const results = await Promise.all(next.ready.map((unit) => runUnit(unit)));
        state = recordResults(
          state,
          next.ready.map((unit, i) => ({ unitId: unit.id, result: results[i] })),
        );
      }
      throw new NonRetriableError(`the run did not settle within ${MAX_PASSES} passes`);
    },
  );
  return fn;
}
