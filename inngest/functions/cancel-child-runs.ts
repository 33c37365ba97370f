// Child runs end with their parent (lib/runs/child-cancel.ts). Triggered by a run's cancel
// event, which every way a run is stopped from outside sends (its owner's cancel, a bulk
// cancel, a singleton replace, its time limit; a run whose engine function failed for good
// sends it from execute-workflow's onFailure): the child runs the parent's `workflow.run`
// units were waiting on and that are still going end as cancelled with the reason naming the
// parent, and each child's own cancel event stops its engine run and, through this function
// again, its children. A parent with workflow.run steps that still read as going (its sender records the end just
// after sending) gets a second look after `settle`, for a child whose start step was creating
// it meanwhile (child-runs.ts checks its parent after creating it, which covers the rest).
// Step ids (`<pass>:children`, `<pass>:cancel`, `<pass>:events` for the passes `first` and
// `late`, `settle`) must not change: runs in flight replay them.
import "server-only";
import type { GetStepTools, Inngest } from "inngest";
import { getRunById } from "@/lib/db/run-queries";
import {
  cancelWithParent,
  listOpenChildRuns,
  ownReasonOf,
  startsChildRuns,
  withParentReason,
} from "@/lib/runs/child-cancel";
import { isTerminal } from "@/lib/runs/status";
import { runCancelRequested } from "../client";
import { functionMiddleware } from "../middleware/safe-errors";

export const CANCEL_CHILD_RUNS_ID = "cancel-child-runs";

/** How long after a first look at a parent still going the second one comes. */
const SETTLE = "3s";

type CancelRequest = { runId: string; userId: string; reason?: string };

/** One pass: the parent's children still going, each ended with the reason, then stopped. */
async function cancelPass(
  step: GetStepTools<Inngest.Any>,
  pass: "first" | "late",
  request: CancelRequest,
) {
  const { runId, userId } = request;
  const found = await step.run(`${pass}:children`, async () => {
    const parent = await getRunById({ runId });
    // A test run starts no child run (its workflow.run units are simulated).
    if (!parent || parent.test || parent.userId !== userId) return null;
    // A parent whose plan starts no child run needs no second look.
    const ended = isTerminal(parent.status) || !(await startsChildRuns(parent));
    return {
      ended,
      reason: withParentReason(
        runId,
        isTerminal(parent.status) ? ownReasonOf(parent) : request.reason,
      ),
      children: (await listOpenChildRuns(parent)).map((child) => child.id),
    };
  });
  if (!found) return { ended: true, children: [] as string[] };
  const { children, reason } = found;
  if (children.length > 0) {
    // Each child's end is written once: a retry leaves the ones already ended as they are.
    await step.run(`${pass}:cancel`, async () => {
      for (const childRunId of children) await cancelWithParent({ userId, childRunId, reason });
    });
    // Every listed child's engine run stops, and its own children follow (this function
    // again); the ids keep a repeated cancel of the parent from sending them twice.
    await step.sendEvent(
      `${pass}:events`,
      children.map((childRunId) =>
        runCancelRequested.create(
          { runId: childRunId, userId },
          { id: `cancel-with-parent-${childRunId}` },
        ),
      ),
    );
  }
  return { ended: found.ended, children };
}

export function createCancelChildRuns({ client }: { client: Inngest.Any }) {
  return client.createFunction(
    {
      id: CANCEL_CHILD_RUNS_ID,
      name: "Cancel child runs",
      triggers: [runCancelRequested],
      middleware: functionMiddleware,
      retries: 5,
    },
    async ({ event, step }) => {
      const request = event.data as CancelRequest;
      const first = await cancelPass(step, "first", request);
      if (first.ended) return { runId: request.runId, children: first.children };
      await step.sleep("settle", SETTLE);
      const late = await cancelPass(step, "late", request);
      return { runId: request.runId, children: [...first.children, ...late.children] };
    },
  );
}
