import type { Queryable } from "../sql-client";

/**
 * Stores a step's memo value; a second result for the same step is ignored, so a
 * duplicated delivery can never overwrite what the run already saw.
 */
export async function saveStep(
  q: Queryable,
  step: {
    runId: string;
    hash: string;
    name?: string | null;
    status: "completed" | "failed";
    output: unknown;
  },
): Promise<boolean> {
  const rows = await q.query(
    `insert into engine.steps (run_id, hash, name, status, output, position)
     values ($1, $2, $3, $4, $5::text::jsonb,
             (select count(*) from engine.steps where run_id = $1))
     on conflict (run_id, hash) do nothing
     returning hash`,
    [step.runId, step.hash, step.name ?? null, step.status, JSON.stringify(step.output ?? null)],
  );
  return rows.length > 0;
}

/** Stores an executed step's result and its attempt in one round trip (the hot path). */
export async function saveStepWithAttempt(
  q: Queryable,
  step: {
    runId: string;
    hash: string;
    name?: string | null;
    status: "completed" | "failed";
    output: unknown;
    attemptId: string;
    attempt: number;
    outcome: "ok" | "failed";
    error?: unknown;
    startedAt: number;
    durationMs: number;
  },
): Promise<void> {
  await q.query(
    `with s as (
       insert into engine.steps (run_id, hash, name, status, output, position)
       values ($1, $2, $3, $4, $5::text::jsonb, (select count(*) from engine.steps where run_id = $1))
       on conflict (run_id, hash) do nothing
       returning hash
     )
     insert into engine.attempts (id, run_id, step, name, attempt, outcome, error, started_at, duration_ms)
     values ($6, $1, $2, $3, $7, $8, $9::text::jsonb, to_timestamp($10::float8 / 1000), $11)`,
    [
      step.runId,
      step.hash,
      step.name ?? null,
      step.status,
      JSON.stringify(step.output ?? null),
      step.attemptId,
      step.attempt,
      step.outcome,
      step.error === undefined ? null : JSON.stringify(step.error),
      step.startedAt,
      step.durationMs,
    ],
  );
}
