import { ulid } from "../ids";
import type { Queryable } from "../sql-client";

/** One executed step or function-level error, for run history (attempts and errors). */
export async function recordAttempt(
  q: Queryable,
  attempt: {
    runId: string;
    step: string | null;
    name?: string | null;
    attempt: number;
    outcome: "ok" | "error" | "failed";
    error?: unknown;
    startedAt: number;
    durationMs: number;
  },
): Promise<void> {
  await q.query(
    `insert into engine.attempts (id, run_id, step, name, attempt, outcome, error, started_at, duration_ms)
     values ($1, $2, $3, $4, $5, $6, $7::text::jsonb, to_timestamp($8::float8 / 1000), $9)`,
    [
      ulid(),
      attempt.runId,
      attempt.step,
      attempt.name ?? null,
      attempt.attempt,
      attempt.outcome,
      attempt.error === undefined ? null : JSON.stringify(attempt.error),
      attempt.startedAt,
      attempt.durationMs,
    ],
  );
}
