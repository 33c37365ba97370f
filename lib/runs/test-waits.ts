// Choosing during a test: a wait the person chose `ask` for pauses the test when it gets there
// (inngest/functions/wait-steps.ts `askTestWait`), and its card offers the wait's ways. The
// choice is stored like any wait's signal (`{ via: "test", data: { branch, arrives } }`) and
// wakes the wait; nothing else decides a test's wait (control.ts refuses links, approvals and
// app events for test runs), and a real run's waits take no test choice.
import "server-only";
import { inngest as appClient } from "@/inngest/client";
import { getRunForOwner } from "@/lib/db/run-queries";
import { AppError } from "@/lib/errors";
import { jsonBytes, MAX_RUN_INPUT_BYTES } from "@/lib/limits";
import { ASK_WAIT, type WaitBranch } from "@/lib/plan/effects";
import { loadPinnedPlan } from "@/lib/workflows/pinned-plan";
import { signalWait } from "./control";
import type { RunTest } from "./test-run";
import { testWaits } from "./test-run";
import { runNotFound } from "./view";
import { readWait, refusal, type WaitSnapshot } from "./wait-state";

type Sender = Pick<typeof appClient, "send">;

/** The 409 for a wait that takes no choice any more, in a test's words. */
function noChoice(wait: WaitSnapshot): AppError {
  if (wait.state === "decided") {
    return new AppError("conflict:run", "A way was already chosen for this wait.", {
      state: "decided",
      ...(wait.decidedAt ? { decidedAt: wait.decidedAt } : {}),
    });
  }
  return refusal(wait, { viewerIsOwner: true });
}

/** The waits of a test run that it asks about (chosen `ask` before it started). */
export function askedWaits(test: unknown): string[] {
  const waits = (test as Partial<RunTest> | null)?.waits ?? {};
  return Object.entries(waits)
    .filter(([, choice]) => choice === ASK_WAIT)
    .map(([stepId]) => stepId);
}

/**
 * The person picks the way of a test's `ask` wait while the test waits there: `branch` is one of
 * the wait's ways, `eventData` what arrives at a wait.event that goes `event` (default: an
 * example of its named event, as before a test). Refused: not the caller's run (404), not a
 * test run (409), a step the test does not ask about or a way it cannot go (400), a test not
 * waiting there (409: not there yet, chosen already, timed out, ended).
 */
export async function chooseTestWait({
  userId,
  runId,
  stepId,
  branch,
  eventData,
  client = appClient,
}: {
  userId: string;
  runId: string;
  stepId: string;
  branch: WaitBranch;
  eventData?: unknown;
  client?: Sender;
}): Promise<{ accepted: true; branch: WaitBranch; chosenAt: string }> {
  const run = await getRunForOwner({ runId, userId });
  if (!run) throw runNotFound();
  if (!run.test) {
    throw new AppError(
      "conflict:run",
      "This is not a test run: answer its waits on its run card or through their links.",
    );
  }
  const asked = askedWaits(run.test);
  if (!asked.includes(stepId)) {
    throw new AppError(
      "bad_request:run",
      asked.length > 0
        ? `This test does not ask about "${stepId}"; it asks about ${asked.map((id) => `"${id}"`).join(", ")}.`
        : "This test asks about none of its waits: their ways were chosen before it started.",
    );
  }
  if (eventData !== undefined && jsonBytes(eventData) > MAX_RUN_INPUT_BYTES) {
    throw new AppError(
      "payload_too_large:run",
      `The event data is too large (${MAX_RUN_INPUT_BYTES / 1024} KB of JSON at most).`,
    );
  }
  const pinned = await loadPinnedPlan({ versionId: run.versionId, userId });
  if (!pinned.ok) throw new AppError("conflict:run", pinned.message);
  // The same checks and defaults as a way chosen before the test (a 400 when it does not fit).
  const choice = testWaits(pinned.plan, {
    waits: { [stepId]: branch },
    eventData: eventData === undefined ? {} : { [stepId]: eventData },
    userId,
  });
  const arrives = choice.events?.[stepId];

  const wait = await readWait(run, stepId);
  if (!wait) throw new AppError("bad_request:run", `The plan has no wait step "${stepId}".`);
  if (wait.state !== "open") throw noChoice(wait);
  if (!wait.deadline) {
    throw new AppError("conflict:run", "The test has not got to this wait yet.", {
      state: "not-reached",
    });
  }
  const result = await signalWait({
    runId,
    stepId,
    payload: { branch, ...(arrives !== undefined ? { arrives } : {}) },
    via: "test",
    client,
  });
  if (result.accepted && !result.duplicate && result.signaledAt) {
    return { accepted: true, branch, chosenAt: result.signaledAt };
  }
  // Chosen twice at once, or the test timed out or ended in between.
  const fresh = await getRunForOwner({ runId, userId });
  const now = fresh ? await readWait(fresh, stepId) : undefined;
  if (now && now.state !== "open") throw noChoice(now);
  throw new AppError("conflict:run", "This wait no longer takes a choice.", { state: "finished" });
}
