// What re-runs read of the run they re-run (lib/runs/rerun.ts) and what the interpreter reads
// when it reuses a recorded output (inngest/functions/reused-units.ts); the re-runs of a run.
import "server-only";
import { and, desc, eq, gte, like } from "drizzle-orm";
import { queryDb as db } from "./index";
import { type RunStep, runEvents, runOutputs, runSteps, runs } from "./schema";

/** Units of a run whose full output is stored in run_outputs. */
export async function listStoredOutputUnits({ runId }: { runId: string }): Promise<string[]> {
  const rows = await (await db())
    .select({ unitId: runOutputs.unitId })
    .from(runOutputs)
    .where(eq(runOutputs.runId, runId));
  return rows.map((row) => row.unitId);
}

/** How each loop step of a run ended: its `<step>:loop:succeeded|failed` entries. */
export async function listLoopEnds({
  runId,
}: {
  runId: string;
}): Promise<{ stepId: string; status: string; items: number }[]> {
  const rows = await (await db())
    .select({ stepId: runEvents.stepId, key: runEvents.key, data: runEvents.data })
    .from(runEvents)
    .where(and(eq(runEvents.runId, runId), like(runEvents.key, "%:loop:%")));
  return rows.flatMap((row) => {
    const data = (row.data ?? {}) as { status?: unknown; items?: unknown };
    if (!row.stepId || row.key?.endsWith(":loop:started")) return [];
    return [
      {
        stepId: row.stepId,
        status: String(data.status ?? ""),
        items: typeof data.items === "number" ? data.items : 0,
      },
    ];
  });
}

/** The attempt of a unit that succeeded (a unit succeeds at most once), if any. */
export async function getSucceededAttempt({
  runId,
  stepId,
  iteration,
}: {
  runId: string;
  stepId: string;
  iteration: number;
}): Promise<RunStep | undefined> {
  const [row] = await (await db())
    .select()
    .from(runSteps)
    .where(
      and(
        eq(runSteps.runId, runId),
        eq(runSteps.stepId, stepId),
        eq(runSteps.iteration, iteration),
        eq(runSteps.status, "succeeded"),
        gte(runSteps.attempt, 1),
      ),
    )
    .orderBy(desc(runSteps.attempt))
    .limit(1);
  return row;
}

/** The runs that re-run this one, newest first (the owner's run: its re-runs are theirs). */
export async function listReruns({ runId, limit = 20 }: { runId: string; limit?: number }) {
  return (await db())
    .select({ id: runs.id, status: runs.status, createdAt: runs.createdAt })
    .from(runs)
    .where(eq(runs.rerunOfId, runId))
    .orderBy(desc(runs.createdAt), desc(runs.id))
    .limit(limit);
}
