// Schedule triggers: a once-a-minute tick finds the approved workflows whose cron fired in the
// minute that just ended (in the plan's time zone) and starts one run for each fire time. The
// run id is derived from workflow and fire time, so a repeated tick never starts it twice.
import "server-only";
import { inngest as appClient, runRequested } from "@/inngest/client";
import { createRun } from "@/lib/db/run-queries";
import { listActiveWorkflowVersions } from "@/lib/db/workflow-queries";
import { nextFireTimes } from "@/lib/plan/schedule";
import { type Plan, PlanSchema } from "@/lib/plan/schema";
import { derivedUuid } from "./derived-id";
import { postRunCard } from "./thread-messages";

type Sender = Pick<typeof appClient, "send">;

/** Fire times of a plan's schedule in (from, to]; none for other triggers. */
export function dueFireTimes(plan: Plan, from: Date, to: Date): Date[] {
  if (plan.trigger.type !== "schedule") return [];
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
};

/** Every scheduled run due in (from, to]. */
export async function findDueRuns(from: Date, to: Date): Promise<DueRun[]> {
  const due: DueRun[] = [];
  for (const { workflow, version } of await listActiveWorkflowVersions()) {
    const plan = PlanSchema.safeParse(version.plan);
    if (!plan.success) continue;
    for (const at of dueFireTimes(plan.data, from, to)) {
      due.push({
        workflowId: workflow.id,
        versionId: version.id,
        userId: workflow.userId,
        threadId: workflow.threadId,
        title: workflow.title,
        at: at.toISOString(),
      });
    }
  }
  return due;
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
  if (run.status === "queued") {
    await postRunCard({ run, title: due.title }).catch((error) =>
      console.error("[runs] could not post the run card", error),
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
