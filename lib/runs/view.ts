// What the run views read: one run with its steps and log (a workflow's run history is
// lib/db/history-queries.ts).
// Owner-checked: another person's run or workflow is reported as missing.
import "server-only";
import { getRunForOwner, listRunEvents, listRunSteps } from "@/lib/db/run-queries";
import type { Run, RunEvent, RunStep } from "@/lib/db/schema";
import { AppError } from "@/lib/errors";

/** A run's rows as read; `toWireRunView` (wire.ts) is how they travel. */
export type RunRecords = { run: Run; steps: RunStep[]; events: RunEvent[] };

export const runNotFound = () =>
  new AppError("not_found:run", "This run does not exist or is not yours.");

/** The caller's run, through the owner query the run routes share (control.ts's too). */
export async function getOwnedRun({
  userId,
  runId,
}: {
  userId: string;
  runId: string;
}): Promise<Run> {
  const run = await getRunForOwner({ runId, userId });
  if (!run) throw runNotFound();
  return run;
}

export async function getRunView({
  userId,
  runId,
}: {
  userId: string;
  runId: string;
}): Promise<RunRecords> {
  const run = await getOwnedRun({ userId, runId });
  const [steps, events] = await Promise.all([listRunSteps({ runId }), listRunEvents({ runId })]);
  return { run, steps, events };
}
