// Test runs ("Test" on a plan card, "try it first" in the chat, `plan test`): the plan runs
// once now, on the person's real inputs and secrets, through the same interpreter, with every
// side effect simulated (inngest/functions/unit-steps.ts asks the action for `simulate`) and
// every wait taken the way the person chose, at once (default: its timeout), or, for a wait
// they chose `ask` for, the way they pick on the test's card when the test gets there
// (lib/runs/test-waits.ts). The run record
// says it is a test (`runs.test`): it is left out of the history, the metrics and the rollups,
// its end is not announced, and the only thing it puts in the thread is its own card.
import "server-only";
import { randomUUID } from "node:crypto";
import { inngest as appClient } from "@/inngest/client";
import { getThread } from "@/lib/db/queries";
import { createRun } from "@/lib/db/run-queries";
import type { Run, Workflow, WorkflowVersion } from "@/lib/db/schema";
import { getLatestVersion, getWorkflow, getWorkflowVersion } from "@/lib/db/workflow-queries";
import { AppError } from "@/lib/errors";
import { jsonBytes, MAX_RUN_INPUT_BYTES } from "@/lib/limits";
import { logError } from "@/lib/log";
import {
  ASK_WAIT,
  WAIT_BRANCHES,
  type WaitBranch,
  type WaitChoice,
  waitBranchesOf,
} from "@/lib/plan/effects";
import { exampleEventData } from "@/lib/plan/events";
import { allSteps, type Plan } from "@/lib/plan/schema";
import { formatIssues } from "@/lib/plan/validate";
import { requirePlanSecrets } from "@/lib/secrets/plan-secrets";
import { readStoredPlan } from "@/lib/workflows/pinned-plan";
import { requestRun } from "./start-run";
import { postRunCard } from "./thread-messages";
import { triggerPayload } from "./trigger-payload";

type Sender = Pick<typeof appClient, "send">;

export type TestRunRequest = {
  userId: string;
  workflowId: string;
  /** The version to test (a draft or the approved one); default: the newest such version. */
  versionId?: string;
  /** A manual plan's inputs. */
  inputs?: Record<string, unknown>;
  /** A webhook plan's request body, an event plan's data. */
  trigger?: unknown;
  /**
   * Which way each wait goes, by step id; a wait not named here times out. `ask`: the test
   * pauses there and the person picks the way on its card.
   */
  waits?: Record<string, WaitChoice>;
  /**
   * What arrives at a wait.event step that goes `event`, by step id: the event's data (a named
   * app event) or the body its resume link is called with. Default: an example of the named
   * event's data from the catalog (lib/plan/events.ts), else nothing. Giving data for a wait
   * that was not given a way makes it go `event`.
   */
  eventData?: Record<string, unknown>;
  /** Where its card goes (default: the workflow's thread); must be the person's. */
  threadId?: string | null;
};

const notFound = () =>
  new AppError("not_found:workflow", "This workflow does not exist or is not yours.");

/** The version a test runs: the one asked for, else the newest draft or approved one. */
async function testedVersion(
  userId: string,
  workflow: Workflow,
  versionId?: string,
): Promise<WorkflowVersion> {
  if (versionId) {
    const row = await getWorkflowVersion({ versionId, userId });
    if (!row || row.workflow.id !== workflow.id) {
      throw new AppError("not_found:workflow", "This version does not exist or is not yours.");
    }
    if (row.version.state === "rejected" || row.version.state === "superseded") {
      throw new AppError(
        "conflict:workflow",
        `Version ${row.version.number} was ${row.version.state === "rejected" ? "rejected" : "replaced by a newer one"}: test a draft or the approved version.`,
      );
    }
    return row.version;
  }
  const latest = await getLatestVersion({ workflowId: workflow.id, userId });
  if (latest && (latest.state === "draft" || latest.state === "approved")) return latest;
  const active = workflow.activeVersionId
    ? await getWorkflowVersion({ versionId: workflow.activeVersionId, userId })
    : undefined;
  if (active) return active.version;
  throw new AppError("conflict:workflow", "This workflow has no draft or approved plan to test.");
}

/**
 * The waits' choices (a branch, or `ask`), checked against the plan's waits: unknown steps or
 * branches are a 400.
 */
export function checkWaitChoices(
  plan: Plan,
  waits: Record<string, unknown> = {},
): Record<string, WaitChoice> {
  const byId = new Map(allSteps(plan).map((step) => [step.id, step]));
  const checked: Record<string, WaitChoice> = {};
  for (const [stepId, branch] of Object.entries(waits)) {
    const step = byId.get(stepId);
    const allowed = step ? waitBranchesOf(step.action) : [];
    if (!step || allowed.length === 0) {
      throw new AppError("bad_request:run", `The plan has no wait step "${stepId}".`);
    }
    if (branch === ASK_WAIT) {
      checked[stepId] = ASK_WAIT;
      continue;
    }
    if (
      !(WAIT_BRANCHES as readonly unknown[]).includes(branch) ||
      !allowed.includes(branch as WaitBranch)
    ) {
      throw new AppError(
        "bad_request:run",
        `The wait "${stepId}" (${step.action}) can go: ${allowed.join(", ")} (or "${ASK_WAIT}").`,
      );
    }
    checked[stepId] = branch as WaitChoice;
  }
  return checked;
}

/** What `runs.test` holds: each chosen wait's way, and what arrives at the waits that get an event. */
export type RunTest = { waits: Record<string, WaitChoice>; events?: Record<string, unknown> };

/**
 * The test's waits, checked against the plan (checkWaitChoices), with what arrives at each
 * wait.event step that goes `event`: `eventData` for it, else an example of its named event (the
 * person's id in it), else nothing. A named event's data is a JSON object, as the app sends it.
 */
export function testWaits(
  plan: Plan,
  {
    waits = {},
    eventData = {},
    userId,
  }: { waits?: Record<string, unknown>; eventData?: Record<string, unknown>; userId?: string },
): RunTest {
  const byId = new Map(allSteps(plan).map((step) => [step.id, step]));
  const given: Record<string, unknown> = { ...waits };
  for (const [stepId, data] of Object.entries(eventData)) {
    const step = byId.get(stepId);
    if (step?.action !== "wait.event") {
      throw new AppError(
        "bad_request:run",
        `Event data goes to a wait.event step; the plan has no wait.event step "${stepId}".`,
      );
    }
    given[stepId] ??= "event";
    if (given[stepId] !== "event") {
      throw new AppError(
        "bad_request:run",
        `The wait "${stepId}" goes "${String(given[stepId])}": event data only arrives when it goes "event".`,
      );
    }
    const name = typeof step.input?.event === "string" ? step.input.event : undefined;
    if (name && (data === null || typeof data !== "object" || Array.isArray(data))) {
      throw new AppError(
        "bad_request:run",
        `The data of "${name}" for the wait "${stepId}" must be a JSON object, as the app sends it.`,
      );
    }
  }
  const checked = checkWaitChoices(plan, given);
  const events: Record<string, unknown> = {};
  for (const [stepId, branch] of Object.entries(checked)) {
    const step = byId.get(stepId);
    if (branch !== "event" || step?.action !== "wait.event") continue;
    const name = typeof step.input?.event === "string" ? step.input.event : undefined;
    let data = eventData[stepId];
    if (data === undefined && name) {
      const example = exampleEventData(name);
      if (example && userId && "userId" in example) example.userId = userId;
      data = example;
    }
    // As a real wait receives it: a named event as { name, data }, a resume link's body as is.
    events[stepId] = name ? { name, data: data ?? {} } : (data ?? null);
  }
  return Object.keys(events).length > 0 ? { waits: checked, events } : { waits: checked };
}

/** Creates the test run of a version (not yet started): checks, trigger, waits. */
export async function prepareTestRun(request: TestRunRequest, now = new Date()): Promise<Run> {
  const { userId } = request;
  const workflow = await getWorkflow({ id: request.workflowId, userId });
  if (!workflow) throw notFound();
  const given = { inputs: request.inputs, trigger: request.trigger, eventData: request.eventData };
  if (jsonBytes(given) > MAX_RUN_INPUT_BYTES) {
    throw new AppError(
      "payload_too_large:run",
      `The inputs are too large (${MAX_RUN_INPUT_BYTES / 1024} KB of JSON at most).`,
    );
  }
  const { threadId } = request;
  // A test's card goes into the thread it names: only one of the caller's own.
  if (threadId && threadId !== workflow.threadId && !(await getThread({ id: threadId, userId }))) {
    throw new AppError("not_found:thread");
  }
  const version = await testedVersion(userId, workflow, request.versionId);
  const read = readStoredPlan(version.plan);
  if (!read.ok) {
    throw new AppError(
      "conflict:workflow",
      `Version ${version.number} does not read as a plan any more: edit it before testing it.`,
    );
  }
  const plan = read.plan;
  await requirePlanSecrets({ userId, plan, doing: "test" });
  const test = testWaits(plan, { waits: request.waits, eventData: request.eventData, userId });
  const trigger = triggerPayload(plan.trigger, {
    inputs: request.inputs,
    payload: request.trigger,
    now,
  });
  if (!trigger.ok) {
    if (trigger.reason === "inputs") {
      throw new AppError(
        "bad_request:run",
        `The inputs do not fit this plan: ${formatIssues(trigger.errors).join("; ")}`,
        { errors: trigger.errors },
      );
    }
    throw new AppError("bad_request:run", trigger.message);
  }
  return createRun({
    id: randomUUID(),
    workflowId: workflow.id,
    versionId: version.id,
    userId,
    threadId: threadId ?? workflow.threadId,
    trigger: trigger.trigger,
    test,
  });
}

/**
 * Starts a test run and puts its card into the thread (its only message there); answers with
 * both. The card cannot be posted: logged, the test runs all the same. The chat's tool shows
 * the card in its reply instead (`postCard: false`).
 */
export async function startTestRun(
  request: TestRunRequest & { client?: Sender; postCard?: boolean },
): Promise<{ run: Run; message: Awaited<ReturnType<typeof postRunCard>> }> {
  const run = await prepareTestRun(request);
  await requestRun({ run, client: request.client ?? appClient });
  if (request.postCard === false) return { run, message: undefined };
  const workflow = await getWorkflow({ id: run.workflowId, userId: run.userId });
  const message = await postRunCard({ run, title: workflow?.title ?? "Workflow" }).catch(
    (error) => {
      logError("[runs] could not post the test card", error);
      return undefined;
    },
  );
  return { run, message };
}
