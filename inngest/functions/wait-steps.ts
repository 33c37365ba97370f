// Wait units (wait.delay, wait.until, wait.approval, wait.event). Every wait is
// `arm` (record, compute the deadline, take a signal that arrived early) → `step.waitForEvent`
// on the wait's signal with the deadline as timeout → `done` (take a signal that raced the
// timeout, build the output). A delay is a wait whose signal nobody sends unless someone calls
// its resume URL to end it early.
import "server-only";
import { type GetStepTools, type Inngest, NonRetriableError } from "inngest";
import type { ActionRegistry } from "@/lib/actions/registry";
import { armWait, consumeWaitSignal, getWaitSignal } from "@/lib/db/run-queries";
import { parseDuration } from "@/lib/plan/duration";
import {
  ASK_WAIT,
  MAX_TEST_ASK_MS,
  WAIT_BRANCHES,
  type WaitBranch,
  type WaitChoice,
  waitBranchWords,
} from "@/lib/plan/effects";
import { conditionHolds } from "@/lib/plan/expression";
import { type ReadyUnit, resolveUnitInput, type UnitResult } from "@/lib/plan/progress";
import { eventMatchScope, waitDeadline, waitUntilInstant } from "@/lib/plan/waits";
import { recordAttemptFinished, recordAttemptStarted, recordStartFailed } from "@/lib/runs/records";
import { signalCounts } from "@/lib/runs/wait-decision";
import { waitResumed } from "../client";
import { messageOf, type RunInfo } from "./unit-steps";

export type ArmedWait = {
  startedAt: string;
  /** When the wait gives up; null when it is already over (a past `until`, a 0s delay). */
  deadline: string | null;
  signaled: boolean;
  signal: unknown;
  input: Record<string, unknown>;
};

type Signal = { via?: string; data?: unknown };

/** When a wait of `action` with its resolved input gives up, DST-correct in `timeZone`. */
export function waitDeadlineFor(
  action: string,
  input: Record<string, unknown>,
  now: string,
  timeZone: string,
) {
  const env = { now, timeZone };
  switch (action) {
    case "wait.delay": {
      const ms = parseDuration(String(input.duration ?? ""));
      if (ms === undefined) throw new Error(`"${String(input.duration)}" is not a duration`);
      return new Date(Date.parse(now) + ms).toISOString();
    }
    case "wait.until":
      return waitUntilInstant({ at: String(input.at), dayOffset: input.dayOffset as number }, env);
    case "wait.approval":
      return waitDeadline({ timeout: String(input.timeout ?? "") }, env);
    default:
      return waitDeadline(
        {
          timeout: input.timeout as string | undefined,
          until: input.until as string | undefined,
        },
        env,
      );
  }
}

export async function armUnitWait(args: { run: RunInfo; unit: ReadyUnit }): Promise<ArmedWait> {
  const { run, unit } = args;
  const startedAt = new Date();
  let input: Record<string, unknown>;
  let deadline: string | undefined;
  try {
    input = await resolveUnitInput(unit, { now: startedAt.toISOString() });
    deadline = waitDeadlineFor(unit.step.action, input, startedAt.toISOString(), unit.env.timeZone);
  } catch (error) {
    await recordStartFailed({ runId: run.runId, unitId: unit.id, error, startedAt });
    throw new NonRetriableError(`wait could not start: ${(error as Error).message}`);
  }
  const listensFor = unit.step.action === "wait.event" && typeof input.event === "string";
  const match = typeof input.match === "string" && input.match.trim() ? input.match : null;
  const early = await armWait({
    runId: run.runId,
    stepId: unit.stepId,
    at: startedAt,
    listen: listensFor
      ? {
          event: String(input.event),
          match,
          scope: eventMatchScope(match, unit.scope),
          timeZone: unit.env.timeZone,
        }
      : undefined,
  });
  const over = deadline !== undefined && Date.parse(deadline) <= startedAt.getTime();
  await recordAttemptStarted({
    runId: run.runId,
    unitId: unit.id,
    attempt: 1,
    input,
    startedAt,
    status: early.signaled || over ? "running" : "waiting",
    deadline: over ? null : deadline,
  });
  return {
    startedAt: startedAt.toISOString(),
    deadline: over ? null : (deadline ?? null),
    signaled: early.signaled,
    signal: early.payload,
    input,
  };
}

function outputFor(
  action: string,
  signaled: boolean,
  signal: Signal | null,
  resumedAt: string,
): unknown {
  const data = signal?.data;
  switch (action) {
    case "wait.approval": {
      if (!signaled) return { approved: false, timedOut: true };
      const answer = (data ?? {}) as { approved?: unknown; by?: unknown; comment?: unknown };
      // Only an explicit yes approves: a signal without a decision is not an approval.
      return {
        approved: answer.approved === true,
        timedOut: false,
        ...(typeof answer.by === "string" ? { by: answer.by } : {}),
        ...(typeof answer.comment === "string" ? { comment: answer.comment } : {}),
      };
    }
    case "wait.event":
      return signaled
        ? { timedOut: false, payload: data ?? null, via: signal?.via === "event" ? "event" : "url" }
        : { timedOut: true, via: "timeout" };
    default:
      return { resumedAt, early: signaled };
  }
}

/**
 * Ends a wait. `event` is what waitForEvent returned (null on timeout). A signal stored just
 * as the wait timed out still counts: it is read from the database once more here.
 */
export async function finishUnitWait(args: {
  run: RunInfo;
  unit: ReadyUnit;
  armed: ArmedWait;
  event: { data?: { payload?: unknown } } | null;
}): Promise<unknown> {
  const { run, unit, armed } = args;
  let signaled = armed.signaled || args.event !== null;
  let signal = (
    armed.signaled ? armed.signal : (args.event?.data?.payload ?? null)
  ) as Signal | null;
  if (!armed.signaled && armed.deadline !== null) {
    // The stored signal is the one that counts (the first; events may be re-sent), and one
    // stored just as the wait timed out still ends it as signaled, if it came by the deadline:
    // deciders refuse later ones (lib/runs/wait-decision.ts), so both agree on what counted.
    const stored = await getWaitSignal({ runId: run.runId, stepId: unit.stepId });
    if (stored.signaled && signalCounts({ ...stored, deadline: armed.deadline })) {
      signaled = true;
      signal = stored.payload as Signal | null;
    }
  }
  await consumeWaitSignal({ runId: run.runId, stepId: unit.stepId });
  const finishedAt = new Date();
  const output = outputFor(unit.step.action, signaled, signal, finishedAt.toISOString());
  await recordAttemptFinished({
    runId: run.runId,
    unitId: unit.id,
    attempt: 1,
    status: "succeeded",
    output,
    startedAt: new Date(armed.startedAt),
    finishedAt,
  });
  return output;
}

/** A wait unit from start to end: `<unit>:arm`, `<unit>:wait` (unless already over), `<unit>:done`. */
export async function runWaitUnit(args: {
  step: GetStepTools<Inngest.Any>;
  run: RunInfo;
  unit: ReadyUnit;
}): Promise<UnitResult> {
  const { step, run, unit } = args;
  try {
    const armed = await step.run(`${unit.id}:arm`, () => armUnitWait({ run, unit }));
    let resumed: { data?: { payload?: unknown } } | null = null;
    if (!armed.signaled && armed.deadline !== null) {
      resumed = await step.waitForEvent(`${unit.id}:wait`, {
        event: waitResumed.name,
        if: `async.data.runId == ${JSON.stringify(run.runId)} && async.data.stepId == ${JSON.stringify(unit.stepId)}`,
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
      finishUnitWait({ run, unit, armed, event: resumed }),
    );
    return { status: "succeeded", output };
  } catch (error) {
    return { status: "failed", error: { message: messageOf(error) } };
  }
}

/**
 * The output a wait ends with when a test takes it `branch`, as a real wait would end it;
 * `arrives` is what reaches a wait.event that goes `event` (lib/runs/test-run.ts `testWaits`).
 */
export function testWaitOutput(
  action: string,
  branch: WaitBranch,
  at: string,
  arrives?: { payload: unknown; named: boolean },
): unknown {
  switch (action) {
    case "wait.approval":
      return branch === "approved" || branch === "rejected"
        ? { approved: branch === "approved", timedOut: false, by: "test" }
        : { approved: false, timedOut: true };
    case "wait.event":
      return branch === "event"
        ? {
            timedOut: false,
            payload: arrives?.payload ?? null,
            via: arrives && !arrives.named ? "url" : "event",
          }
        : { timedOut: true, via: "timeout" };
    default:
      return { resumedAt: at, early: branch === "event" };
  }
}

/**
 * The way a test's wait really goes: a wait.event told that its event arrived still times out
 * when that event does not hold its `match` (a real wait would not have taken it).
 */
async function takenBranch(
  unit: ReadyUnit,
  input: Record<string, unknown>,
  chosen: WaitBranch,
  arrives: unknown,
  at: string,
): Promise<{ branch: WaitBranch; unmatched?: true }> {
  const match = typeof input.match === "string" && input.match.trim() ? input.match : null;
  if (unit.step.action !== "wait.event" || chosen !== "event" || !match) return { branch: chosen };
  if (typeof input.event !== "string") return { branch: chosen };
  const holds = await conditionHolds(
    match,
    { ...unit.scope, event: arrives },
    { now: at, timeZone: unit.env.timeZone },
  );
  return holds ? { branch: chosen } : { branch: "timeout", unmatched: true };
}

/** What a test's `ask` wait takes from the card's choice (lib/runs/test-waits.ts stores it). */
function chosenInTest(signal: unknown): { branch: WaitBranch; arrives?: unknown } | undefined {
  const { via, data } = (signal ?? {}) as { via?: unknown; data?: unknown };
  if (via !== "test" || !data || typeof data !== "object") return undefined;
  const { branch, arrives } = data as { branch?: unknown; arrives?: unknown };
  if (!(WAIT_BRANCHES as readonly unknown[]).includes(branch)) return undefined;
  return { branch: branch as WaitBranch, ...(arrives !== undefined ? { arrives } : {}) };
}

/** Resolves a test wait's input; a failure fails the step (recorded) and is not retried. */
async function testWaitInput(run: RunInfo, unit: ReadyUnit, startedAt: Date) {
  try {
    return await resolveUnitInput(unit, { now: startedAt.toISOString() });
  } catch (error) {
    await recordStartFailed({ runId: run.runId, unitId: unit.id, error, startedAt });
    throw new NonRetriableError(`wait could not start: ${(error as Error).message}`);
  }
}

/**
 * Ends a test's wait `chosen` (the person's pick, before or during the test), recorded as a
 * simulated step that says what the real wait would have done.
 */
async function endTestWait(args: {
  run: RunInfo;
  unit: ReadyUnit;
  registry: ActionRegistry;
  input: Record<string, unknown>;
  startedAt: Date;
  chosen: WaitBranch;
  arrives?: unknown;
  /** An `ask` wait: chosen on the card during the test, or nobody chose in time. */
  asked?: "chosen" | "unanswered";
}): Promise<unknown> {
  const { run, unit, input, arrives, asked } = args;
  const action = unit.step.action;
  const finishedAt = new Date();
  const at = finishedAt.toISOString();
  const { branch, unmatched } = await takenBranch(unit, input, args.chosen, arrives, at);
  const named = typeof input.event === "string";
  const result = testWaitOutput(action, branch, at, { payload: arrives, named });
  const does = args.registry.get(action)?.describe?.(input) ?? action;
  const words = unmatched
    ? `the event given does not hold its condition (${String(input.match)}): it would go on waiting, then time out`
    : waitBranchWords(action, branch);
  const how =
    asked === "chosen"
      ? ", chosen during the test"
      : asked === "unanswered"
        ? " (nobody chose a way during the test)"
        : "";
  await recordAttemptFinished({
    runId: run.runId,
    unitId: unit.id,
    attempt: 1,
    status: "succeeded",
    output: result,
    simulated: {
      kind: action === "wait.approval" ? "approval" : "none",
      summary: `${does}: ${words}${how}`,
      branch,
      ...(asked === "chosen" ? { chosenDuringTest: true } : {}),
      ...(action === "wait.event" && (branch === "event" || unmatched) && arrives != null
        ? { payload: arrives }
        : {}),
      ...(action === "wait.approval" && typeof input.prompt === "string"
        ? { body: input.prompt }
        : {}),
    },
    startedAt: args.startedAt,
    finishedAt,
  });
  return result;
}

/**
 * A wait in a test run. Chosen before the test: nothing is armed and nothing waits; one step
 * (`<unit>:test`, only in test runs) records the wait's input and ends it at once the way the
 * person chose (the timeout by default), saying what the real wait would have done. Chosen
 * `ask`: the test really pauses there (askTestWait).
 */
export async function runTestWaitUnit(args: {
  step: GetStepTools<Inngest.Any>;
  run: RunInfo;
  unit: ReadyUnit;
  registry: ActionRegistry;
  branch: WaitChoice;
  /** What arrives at a wait.event that goes `event`. */
  arrives?: unknown;
}): Promise<UnitResult> {
  const { step, run, unit, registry, arrives } = args;
  const chosen = args.branch;
  try {
    if (chosen === ASK_WAIT) return await askTestWait({ step, run, unit, registry });
    const output = await step.run(`${unit.id}:test`, async () => {
      const startedAt = new Date();
      const input = await testWaitInput(run, unit, startedAt);
      await recordAttemptStarted({
        runId: run.runId,
        unitId: unit.id,
        attempt: 1,
        input,
        startedAt,
      });
      return endTestWait({ run, unit, registry, input, startedAt, chosen, arrives });
    });
    return { status: "succeeded", output };
  } catch (error) {
    return { status: "failed", error: { message: messageOf(error) } };
  }
}

/**
 * A test's `ask` wait: `<unit>:ask` records it as waiting (until its own deadline, at most
 * MAX_TEST_ASK_MS away) and arms its signal row, listening for no app event; `<unit>:wait` is a
 * durable step.waitForEvent on the wait's resume event; `<unit>:test` takes the way the person
 * picked on the test's card (a `{ via: "test" }` signal, lib/runs/test-waits.ts), else the
 * timeout. Nothing is sent to anyone while it waits: no approval request exists outside the
 * test's own card (control.ts refuses every other way of deciding a test's wait).
 */
async function askTestWait(args: {
  step: GetStepTools<Inngest.Any>;
  run: RunInfo;
  unit: ReadyUnit;
  registry: ActionRegistry;
}): Promise<UnitResult> {
  const { step, run, unit, registry } = args;
  const asked = await step.run(`${unit.id}:ask`, async () => {
    const startedAt = new Date();
    const input = await testWaitInput(run, unit, startedAt);
    let own: string | undefined;
    try {
      own = waitDeadlineFor(unit.step.action, input, startedAt.toISOString(), unit.env.timeZone);
    } catch (error) {
      await recordStartFailed({ runId: run.runId, unitId: unit.id, error, startedAt });
      throw new NonRetriableError(`wait could not start: ${(error as Error).message}`);
    }
    const cap = startedAt.getTime() + MAX_TEST_ASK_MS;
    const until = Math.min(own === undefined ? cap : Date.parse(own), cap);
    const over = until <= startedAt.getTime();
    const early = await armWait({ runId: run.runId, stepId: unit.stepId, at: startedAt });
    await recordAttemptStarted({
      runId: run.runId,
      unitId: unit.id,
      attempt: 1,
      input,
      startedAt,
      status: early.signaled || over ? "running" : "waiting",
      deadline: over ? null : new Date(until).toISOString(),
    });
    return {
      startedAt: startedAt.toISOString(),
      deadline: over ? null : new Date(until).toISOString(),
      signaled: early.signaled,
      signal: early.payload,
      input,
    };
  });
  let resumed: { data?: { payload?: unknown } } | null = null;
  if (!asked.signaled && asked.deadline !== null) {
    resumed = await step.waitForEvent(`${unit.id}:wait`, {
      event: waitResumed.name,
      if: `async.data.runId == ${JSON.stringify(run.runId)} && async.data.stepId == ${JSON.stringify(unit.stepId)}`,
      timeout:
        Math.ceil(Math.max(1000, Date.parse(asked.deadline) - Date.parse(asked.startedAt)) / 1000) *
        1000,
    });
  }
  const output = await step.run(`${unit.id}:test`, async () => {
    let signal: unknown = asked.signaled ? asked.signal : (resumed?.data?.payload ?? null);
    if (!asked.signaled && asked.deadline !== null) {
      // The stored choice is the one that counts (the first), also one stored as it timed out.
      const stored = await getWaitSignal({ runId: run.runId, stepId: unit.stepId });
      if (stored.signaled && signalCounts({ ...stored, deadline: asked.deadline })) {
        signal = stored.payload;
      }
    }
    await consumeWaitSignal({ runId: run.runId, stepId: unit.stepId });
    const choice = chosenInTest(signal);
    return endTestWait({
      run,
      unit,
      registry,
      input: asked.input,
      startedAt: new Date(asked.startedAt),
      chosen: choice?.branch ?? "timeout",
      arrives: choice?.arrives,
      asked: choice ? "chosen" : "unanswered",
    });
  });
  return { status: "succeeded", output };
}
