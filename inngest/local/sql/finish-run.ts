import type { Queryable } from "../sql-client";

/** Ends a run and drops whatever it still had queued or paused. */
export async function finishRun(
  q: Queryable,
  runId: string,
  end: { status: "completed" | "failed" | "cancelled"; output?: unknown; error?: unknown },
): Promise<void> {
  await q.query(
    `update engine.runs set status = $2, output = $3::text::jsonb, error = $4::text::jsonb,
       ended_at = now(), started_at = coalesce(started_at, now())
     where id = $1`,
    [
      runId,
      end.status,
      end.output === undefined ? null : JSON.stringify(end.output),
      end.error === undefined ? null : JSON.stringify(end.error),
    ],
  );
  await q.query("delete from engine.jobs where run_id = $1", [runId]);
  await q.query("delete from engine.pauses where run_id = $1", [runId]);
}
