import type { RunDetail, RunStatus, RunStep, RunSummary, StepAttempt } from "../interfaces";
import type { Queryable } from "../sql-client";

type RunRow = {
  id: string;
  function_id: string;
  app_id: string;
  event_id: string;
  status: RunStatus;
  output: unknown;
  error: unknown;
  event: unknown;
  created_at: number;
  started_at: number | null;
  ended_at: number | null;
  parent_run_id: string | null;
};

const RUN_COLUMNS = `id, function_id, app_id, event_id, status, output, error, event, parent_run_id,
  (extract(epoch from created_at) * 1000)::float8 as created_at,
  (extract(epoch from started_at) * 1000)::float8 as started_at,
  (extract(epoch from ended_at) * 1000)::float8 as ended_at`;

const date = (ms: number | null) => (ms === null ? null : new Date(ms));

function toSummary(r: RunRow): RunSummary {
  return {
    id: r.id,
    functionId: r.function_id,
    appId: r.app_id,
    eventId: r.event_id,
    status: r.status,
    output: r.output,
    error: r.error,
    createdAt: new Date(r.created_at),
    startedAt: date(r.started_at),
    endedAt: date(r.ended_at),
    parentRunId: r.parent_run_id,
  };
}

export type ListRunsFilter = {
  functionId?: string;
  status?: RunStatus;
  eventId?: string;
  limit?: number;
};

/** Newest first. */
export async function listRuns(q: Queryable, filter: ListRunsFilter = {}): Promise<RunSummary[]> {
  const rows = await q.query<RunRow>(
    `select ${RUN_COLUMNS} from engine.runs
     where ($1::text is null or function_id = $1) and ($2::text is null or status = $2)
       and ($3::text is null or event_id = $3)
     order by created_at desc, id desc limit $4`,
    [filter.functionId ?? null, filter.status ?? null, filter.eventId ?? null, filter.limit ?? 100],
  );
  return rows.map(toSummary);
}

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
