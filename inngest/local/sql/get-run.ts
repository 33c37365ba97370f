import type { RunDetail, RunStep, StepAttempt } from "../interfaces";
import type { Queryable } from "../sql-client";
import { RUN_COLUMNS, type RunRow, toSummary } from "./run-row";

/** A run with its trigger event, steps, attempts and function-level errors. */
export async function getRun(q: Queryable, id: string): Promise<RunDetail | undefined> {
  const [run] = await q.query<RunRow>(`select ${RUN_COLUMNS} from engine.runs where id = $1`, [id]);
  if (!run) return undefined;
  const steps = await q.query<{
    hash: string;
    name: string | null;
    status: "completed" | "failed";
    output: unknown;
    completed_at: number;
  }>(
    `select hash, name, status, output, (extract(epoch from completed_at) * 1000)::float8 as completed_at
     from engine.steps where run_id = $1 order by position`,
    [id],
  );
  const attempts = await q.query<{
    step: string | null;
    name: string | null;
    attempt: number;
    outcome: StepAttempt["outcome"];
    error: unknown;
    started_at: number;
    duration_ms: number;
  }>(
    `select step, name, attempt, outcome, error, duration_ms,
       (extract(epoch from started_at) * 1000)::float8 as started_at
     from engine.attempts where run_id = $1 order by started_at, id`,
    [id],
  );
  const toAttempt = (a: (typeof attempts)[number]): StepAttempt => ({
    attempt: a.attempt,
    outcome: a.outcome,
    error: a.error,
    startedAt: new Date(a.started_at),
    durationMs: a.duration_ms,
  });
  const byStep = new Map<string, RunStep>();
  for (const s of steps) {
    byStep.set(s.hash, {
      id: s.hash,
      name: s.name,
      status: s.status,
      output: s.output,
      completedAt: new Date(s.completed_at),
      attempts: [],
    });
  }
  const functionErrors: StepAttempt[] = [];
  for (const a of attempts) {
    if (!a.step) {
      functionErrors.push(toAttempt(a));
      continue;
    }
    let step = byStep.get(a.step);
    if (!step) {
      step = {
        id: a.step,
        name: a.name,
        status: "retrying",
        output: null,
        completedAt: null,
        attempts: [],
      };
      byStep.set(a.step, step);
    }
    step.name ??= a.name;
    step.attempts.push(toAttempt(a));
  }
  return { ...toSummary(run), event: run.event, steps: [...byStep.values()], functionErrors };
}
