// Runs, their step attempts, their event log, wait signals and stored outputs. Owner-facing
// reads filter by owner (another person's run reads as missing); writes from the interpreter
// are idempotent (unique keys + upserts) so a retried or replayed step never adds a second
// row. Every change is announced with NOTIFY run_events, '<run id>'.
import "server-only";
import {
  and,
  asc,
  desc,
  eq,
  gt,
  inArray,
  isNotNull,
  isNull,
  ne,
  notInArray,
  or,
  type SQL,
  sql,
} from "drizzle-orm";
import type { PgDialect } from "drizzle-orm/pg-core";
import { AppError } from "@/lib/errors";
import {
  ACTIVE_STATUSES,
  type RunStatus,
  type StepStatus,
  TERMINAL_STATUSES,
  type TerminalStatus,
} from "@/lib/runs/status";
import type { Transaction } from "./client";
import { rowsOf } from "./history-sql";
import { queryDb as db, queryDbHandle as handle } from "./index";
import { addRunsToRollups } from "./rollup-queries";
import {
  type EventWaitMatcher,
  type Run,
  type RunEvent,
  type RunStep,
  runEvents,
  runOutputs,
  runSteps,
  runs,
  waitSignals,
  workflows,
} from "./schema";

export const RUN_EVENTS_CHANNEL = "run_events";
/**
 * Notified (with the run id) only when a run is cancelled, in the transaction that cancels
 * it: units in flight listen here, not to every write of their run (lib/runs/cancel-watch).
 */
export const RUN_CANCELLED_CHANNEL = "run_cancelled";

/** Tells live views (SSE) that a run changed. */
export async function notifyRun(runId: string): Promise<void> {
  await (await handle()).notify(RUN_EVENTS_CHANNEL, runId);
}

export async function createRun({
  id,
  workflowId,
  versionId,
  userId,
  threadId,
  trigger,
  rerunOf,
  test,
}: {
  id?: string;
  workflowId: string;
  versionId: string;
  userId: string;
  threadId?: string | null;
  trigger: unknown;
  /** A re-run: the run it re-runs, how (`runs.rerun`), and the bulk action that started it. */
  rerunOf?: { runId: string; rerun: unknown; bulkActionId?: string | null };
  /** A test run: how it takes its waits, what arrives at those that get an event (`runs.test`). */
  test?: { waits: Record<string, string>; events?: Record<string, unknown> };
}): Promise<Run> {
  const [run] = await (await db())
    .insert(runs)
    .values({
      id,
      workflowId,
      versionId,
      userId,
      threadId: threadId ?? null,
      trigger,
      ...(rerunOf
        ? {
            rerunOfId: rerunOf.runId,
            rerun: rerunOf.rerun,
            bulkActionId: rerunOf.bulkActionId ?? null,
          }
        : {}),
      ...(test ? { test } : {}),
    })
    // The id, or for a bulk re-run its (bulk action, source run): either way, one run.
    .onConflictDoNothing()
    .returning();
  const row =
    run ??
    (id ? await getRunById({ runId: id }) : undefined) ??
    (rerunOf?.bulkActionId
      ? await getBulkRerun({ bulkActionId: rerunOf.bulkActionId, rerunOfId: rerunOf.runId })
      : undefined);
  if (!row) throw new AppError("internal:run", "The run could not be created.");
  await appendRunEvent({
    runId: row.id,
    key: "run:queued",
    message: "Run queued",
    data: { status: "queued" },
  });
  return row;
}

/** The run a bulk action started to re-run `rerunOfId` (runs_bulk_source_idx: at most one). */
async function getBulkRerun({
  bulkActionId,
  rerunOfId,
}: {
  bulkActionId: string;
  rerunOfId: string;
}): Promise<Run | undefined> {
  const [run] = await (await db())
    .select()
    .from(runs)
    .where(and(eq(runs.bulkActionId, bulkActionId), eq(runs.rerunOfId, rerunOfId)));
  return run;
}

/** Internal read (the interpreter); never answer a person with it. */
export async function getRunById({ runId }: { runId: string }): Promise<Run | undefined> {
  const [run] = await (await db()).select().from(runs).where(eq(runs.id, runId));
  return run;
}

export async function getRunForOwner({
  runId,
  userId,
}: {
  runId: string;
  userId: string;
}): Promise<Run | undefined> {
  const [run] = await (await db())
    .select()
    .from(runs)
    .where(and(eq(runs.id, runId), eq(runs.userId, userId)));
  return run;
}

export async function listRunSteps({ runId }: { runId: string }): Promise<RunStep[]> {
  return (await db())
    .select()
    .from(runSteps)
    .where(eq(runSteps.runId, runId))
    .orderBy(asc(runSteps.startedAt), asc(runSteps.stepId), asc(runSteps.iteration));
}

/** Which attempts of a run have a row (step id, loop iteration, attempt): keys only. */
export async function listRecordedAttempts({
  runId,
}: {
  runId: string;
}): Promise<{ stepId: string; iteration: number; attempt: number }[]> {
  return (await db())
    .select({ stepId: runSteps.stepId, iteration: runSteps.iteration, attempt: runSteps.attempt })
    .from(runSteps)
    .where(eq(runSteps.runId, runId));
}

/** Every attempt of the given units (step id + loop iteration, -1 for a plain step). */
export async function listUnitAttempts({
  runId,
  units,
}: {
  runId: string;
  units: { stepId: string; iteration: number }[];
}): Promise<RunStep[]> {
  if (units.length === 0) return [];
  return (await db())
    .select()
    .from(runSteps)
    .where(
      and(
        eq(runSteps.runId, runId),
        or(
          ...units.map((unit) =>
            and(eq(runSteps.stepId, unit.stepId), eq(runSteps.iteration, unit.iteration)),
          ),
        ),
      ),
    )
    .orderBy(asc(runSteps.startedAt), asc(runSteps.stepId), asc(runSteps.iteration));
}

export async function listRunEvents({
  runId,
  afterSeq = 0,
  limit = 1000,
}: {
  runId: string;
  afterSeq?: number;
  limit?: number;
}): Promise<RunEvent[]> {
  return (await db())
    .select()
    .from(runEvents)
    .where(and(eq(runEvents.runId, runId), gt(runEvents.seq, afterSeq)))
    .orderBy(asc(runEvents.seq))
    .limit(limit);
}

export async function listRunsForWorkflow({
  workflowId,
  userId,
  limit = 50,
}: {
  workflowId: string;
  userId: string;
  limit?: number;
}): Promise<Run[]> {
  return (await db())
    .select()
    .from(runs)
    .where(and(eq(runs.workflowId, workflowId), eq(runs.userId, userId)))
    .orderBy(desc(runs.createdAt))
    .limit(limit);
}

/** A person's latest runs across their workflows (test runs left out), with each workflow's title. */
export async function listRecentRuns({
  userId,
  workflowId,
  limit = 20,
}: {
  userId: string;
  workflowId?: string;
  limit?: number;
}) {
  return (await db())
    .select({ run: runs, title: workflows.title })
    .from(runs)
    .innerJoin(workflows, eq(workflows.id, runs.workflowId))
    .where(
      and(
        eq(runs.userId, userId),
        workflowId ? eq(runs.workflowId, workflowId) : undefined,
        // Test runs are not part of the history.
        isNull(runs.test),
      ),
    )
    .orderBy(desc(runs.createdAt))
    .limit(limit);
}

/**
 * The newest run (not a test) of each of these workflows of the caller, however old (workflows without runs
 * are absent). One lateral probe of `runs_workflow_idx` per workflow (newest entry first), so
 * a busy workflow's history never hides a quiet one's last run.
 */
export async function lastRunPerWorkflow({
  userId,
  workflowIds,
}: {
  userId: string;
  workflowIds: string[];
}): Promise<Run[]> {
  if (workflowIds.length === 0) return [];
  const database = await db();
  const last = database
    .select({ id: runs.id })
    .from(runs)
    .where(and(eq(runs.workflowId, workflows.id), eq(runs.userId, userId), isNull(runs.test)))
    .orderBy(desc(runs.createdAt))
    .limit(1)
    .as("last_run");
  const rows = await database
    .select({ run: runs })
    .from(workflows)
    .innerJoinLateral(last, sql`true`)
    .innerJoin(runs, eq(runs.id, last.id))
    .where(and(eq(workflows.userId, userId), inArray(workflows.id, workflowIds)));
  return rows.map((row) => row.run);
}

/** queued → running, recording the engine's run id; a no-op for a run already past it. */
export async function markRunStarted({
  runId,
  engineRunId,
  at = new Date(),
}: {
  runId: string;
  engineRunId?: string;
  at?: Date;
}): Promise<Run | undefined> {
  const [run] = await (await db())
    .update(runs)
    .set({
      status: sql`case when ${runs.status} = 'queued' then 'running' else ${runs.status} end`,
      engineRunId: engineRunId ?? null,
      startedAt: sql`coalesce(${runs.startedAt}, ${at.toISOString()}::timestamptz)`,
    })
    .where(eq(runs.id, runId))
    .returning();
  return run;
}

/**
 * running ⇄ waiting, from whether any step is waiting; terminal runs stay as they are. A change
 * is announced like any other, though it writes no log entry.
 */
export async function refreshRunStatus({ runId }: { runId: string }): Promise<void> {
  const anyWaiting = sql`exists (select 1 from ${runSteps} where ${runSteps.runId} = ${runId} and ${runSteps.status} = 'waiting')`;
  const status = sql<RunStatus>`case when ${anyWaiting} then 'waiting' else 'running' end`;
  const changed = await (await db())
    .update(runs)
    .set({ status })
    .where(
      and(eq(runs.id, runId), inArray(runs.status, [...ACTIVE_STATUSES]), ne(runs.status, status)),
    )
    .returning({ id: runs.id });
  if (changed.length > 0) await notifyRun(runId);
}

/**
 * Ends a run that has not ended yet (a cancel wins over a late finish); returns whether it
 * changed, and counts it in the rollups. With `event`, the run's last
 * event is written in the same transaction, so whoever sees the run ended (a live stream, a
 * test) also sees how it ended.
 */
export async function finishRun({
  runId,
  status,
  error,
  output,
  at = new Date(),
  event,
  cancelledAttemptEvent,
  stopUnits,
}: {
  runId: string;
  status: TerminalStatus;
  error?: unknown;
  output?: unknown;
  at?: Date;
  event?: Omit<NewRunEvent, "runId">;
  /**
   * A cancelled run: its attempts still `running` or `waiting` become `cancelled` (ended at
   * `at`) in the same transaction, each logged with the entry this returns, before `event`.
   */
  cancelledAttemptEvent?: (attempt: CancelledAttempt) => Omit<NewRunEvent, "runId">;
  /** A run that did not end by itself (a time limit): its attempts end and units stop as on a cancel. */
  stopUnits?: boolean;
}): Promise<boolean> {
  const changed = await (await db()).transaction(async (tx) => {
    const updated = await tx
      .update(runs)
      .set({
        status,
        error: error ?? null,
        output: output ?? null,
        finishedAt: at,
        startedAt: sql`coalesce(${runs.startedAt}, ${at.toISOString()}::timestamptz)`,
        rolledUp: true,
      })
      .where(and(eq(runs.id, runId), notInArray(runs.status, [...TERMINAL_STATUSES])))
      .returning({ id: runs.id });
    // The metrics count the run as it ends, in the same transaction (counted exactly once).
    if (updated.length > 0) await addRunsToRollups(tx, [runId]);
    if (updated.length > 0 && (status === "cancelled" || stopUnits)) {
      await tx.execute(sql`select pg_notify(${RUN_CANCELLED_CHANNEL}, ${runId})`);
      const cut = await cancelOpenAttempts(tx, { runId, at });
      if (cancelledAttemptEvent) {
        for (const attempt of cut) {
          await insertRunEvent(tx, { ...cancelledAttemptEvent(attempt), runId });
        }
      }
    }
    if (updated.length > 0 && event) await insertRunEvent(tx, { ...event, runId });
    return updated.length > 0;
  });
  if (changed && event) await notifyRun(runId);
  return changed;
}

/** An attempt a cancel cut short: which one, and how long it had run (ms, when known). */
export type CancelledAttempt = {
  stepId: string;
  iteration: number;
  attempt: number;
  durationMs: number | null;
};

const durationUntil = (at: Date) =>
  sql<number>`(extract(epoch from (${at.toISOString()}::timestamptz - coalesce(${runSteps.startedAt}, ${at.toISOString()}::timestamptz))) * 1000)::integer`;

/** A cancelled run's attempts still under way (`running`, `waiting`) end as `cancelled` at `at`. */
async function cancelOpenAttempts(
  tx: Transaction,
  { runId, at }: { runId: string; at: Date },
): Promise<CancelledAttempt[]> {
  return tx
    .update(runSteps)
    .set({ status: "cancelled", finishedAt: at, durationMs: durationUntil(at) })
    .where(and(eq(runSteps.runId, runId), inArray(runSteps.status, ["running", "waiting"])))
    .returning({
      stepId: runSteps.stepId,
      iteration: runSteps.iteration,
      attempt: runSteps.attempt,
      durationMs: runSteps.durationMs,
    });
}

/**
 * One attempt a cancel stopped, from the unit that was running it: `running`/`waiting` (or
 * already `cancelled` without an end) becomes `cancelled`, ended at `at`. Never inserts: a unit
 * that had not recorded its start has no attempt. Returns whether the row changed.
 */
export async function cancelStepAttempt({
  runId,
  stepId,
  iteration,
  attempt,
  at = new Date(),
}: {
  runId: string;
  stepId: string;
  iteration: number;
  attempt: number;
  at?: Date;
}): Promise<CancelledAttempt | undefined> {
  const [row] = await (await db())
    .update(runSteps)
    .set({ status: "cancelled", finishedAt: at, durationMs: durationUntil(at) })
    .where(
      and(
        eq(runSteps.runId, runId),
        eq(runSteps.stepId, stepId),
        eq(runSteps.iteration, iteration),
        eq(runSteps.attempt, attempt),
        or(
          inArray(runSteps.status, ["running", "waiting"]),
          and(eq(runSteps.status, "cancelled"), isNull(runSteps.finishedAt)),
        ),
      ),
    )
    .returning({
      stepId: runSteps.stepId,
      iteration: runSteps.iteration,
      attempt: runSteps.attempt,
      durationMs: runSteps.durationMs,
    });
  return row;
}

/**
 * One attempt of one unit (step or loop item), created or updated in place. Returns the
 * status the row has now. A cancelled run's attempts cannot end any other way: a write to
 * one of its attempts is recorded as `cancelled`, and a `cancelled` row never changes here
 * (a step that still finished after the cancel is not "succeeded"). The run's status is read
 * in the same statement, and the cancel updates the rows in the transaction that ends the
 * run, so either the attempt finished first (and stays as it ended) or it is cancelled.
 */
export async function upsertStepAttempt(row: {
  runId: string;
  stepId: string;
  iteration: number;
  attempt: number;
  status: StepStatus;
  input?: unknown;
  output?: unknown;
  error?: unknown;
  startedAt?: Date;
  finishedAt?: Date;
  /** A re-run's reused unit: the run whose recorded output it took. */
  reusedFrom?: string;
  /** A test run's simulated unit: what it would have sent. */
  simulated?: unknown;
}): Promise<StepStatus> {
  const durationMs =
    row.startedAt && row.finishedAt
      ? row.finishedAt.getTime() - row.startedAt.getTime()
      : undefined;
  const runCancelled = sql`exists (select 1 from ${runs} where ${runs.id} = ${row.runId} and ${runs.status} = 'cancelled')`;
  const values = {
    runId: row.runId,
    stepId: row.stepId,
    iteration: row.iteration,
    attempt: row.attempt,
    status: sql<StepStatus>`case when ${runCancelled} then 'cancelled' else ${row.status} end`,
    input: row.input ?? null,
    output: row.output ?? null,
    error: row.error ?? null,
    startedAt: row.startedAt ?? null,
    finishedAt: row.finishedAt ?? null,
    durationMs: durationMs ?? null,
    reusedFrom: row.reusedFrom ?? null,
    simulated: row.simulated ?? null,
  };
  const set: Record<string, unknown> = { status: sql`excluded.status` };
  if (row.input !== undefined) set.input = values.input;
  if (row.output !== undefined) set.output = values.output;
  if (row.error !== undefined) set.error = values.error;
  if (row.simulated !== undefined) set.simulated = values.simulated;
  if (row.startedAt) set.startedAt = row.startedAt;
  if (row.finishedAt) {
    set.finishedAt = row.finishedAt;
    set.durationMs = durationUntil(row.finishedAt);
  }
  const [written] = await (await db())
    .insert(runSteps)
    .values(values)
    .onConflictDoUpdate({
      target: [runSteps.runId, runSteps.stepId, runSteps.iteration, runSteps.attempt],
      set,
      setWhere: ne(runSteps.status, "cancelled"),
    })
    .returning({ status: runSteps.status });
  // No row back: the attempt was already cancelled and stays so.
  return written?.status ?? "cancelled";
}

type AsyncPool = {
  unsafe(text: string, params: unknown[], options: { prepare: boolean }): Promise<unknown>;
};
const asyncPools = new WeakMap<object, AsyncPool>();

/**
 * Runs one statement committed without waiting for the WAL flush. On PostgreSQL: through a
 * small pool of its own whose sessions have `synchronous_commit = off` (one round trip; the
 * app's other writes keep the server's default; idle connections close after 2 s). PGlite
 * has no WAL flush to wait for: the app's own connection.
 */
async function executeAsyncCommit(statement: SQL): Promise<unknown> {
  const current = await handle();
  if (current.client.kind !== "postgres") return current.db.execute(statement);
  const owner = current.client.sql;
  let pool = asyncPools.get(owner);
  if (!pool) {
    const { default: postgres } = await import("postgres");
    const client = postgres(current.client.url, {
      max: 4,
      idle_timeout: 2,
      onnotice: () => {},
      connection: { synchronous_commit: "off" },
    });
    // Drizzle hands json and jsonb values over as JSON text already (as its own client is
    // set up): sent as they are, not encoded a second time into a JSON string.
    const sendAsIs = (value: unknown) => value;
    client.options.serializers["114"] = sendAsIs;
    client.options.serializers["3802"] = sendAsIs;
    pool = client as unknown as AsyncPool;
    asyncPools.set(owner, pool);
  }
  const query = (current.db as unknown as { dialect: PgDialect }).dialect.sqlToQuery(statement);
  // Prepared (named) per connection: the record's few shapes are parsed and planned once,
  // not on every unit.
  return pool.unsafe(query.sql, query.params as unknown[], { prepare: true });
}

/**
 * An attempt's row and its log entry in ONE statement (the hot path of every task unit):
 * the run row is locked, the attempt upserted (written `cancelled` when the run was cancelled,
 * or not at all with `skipIfCancelled`; a `cancelled` row is never changed: all answer
 * `cancelled`), the entry appended with the next seq once per key (a replayed write skips
 * it), and live views notified at commit. Returns the row's status; a cancelled attempt's
 * entry is the caller's to write.
 * A statement that waited for the run's lock numbers its entry from an older snapshot, so its
 * seq can collide with an entry written meanwhile: the whole statement then fails (a unique
 * violation, nothing written) and runs again with a fresh snapshot (then with the run locked
 * first), so entries keep the order their records were written in.
 */
export async function upsertStepAttemptLogged(
  row: {
    runId: string;
    stepId: string;
    iteration: number;
    attempt: number;
    status: "running" | "succeeded" | "failed";
    input?: unknown;
    output?: unknown;
    error?: unknown;
    startedAt?: Date;
    finishedAt?: Date;
    simulated?: unknown;
    /** Write no row for a cancelled run (an attempt about to start); else write it `cancelled`. */
    skipIfCancelled?: boolean;
  },
  event: Omit<NewRunEvent, "runId">,
): Promise<StepStatus> {
  const json = (value: unknown) =>
    value === undefined ? sql`null` : sql`${JSON.stringify(value)}::jsonb`;
  const ts = (value: Date | undefined) =>
    value ? sql`${value.toISOString()}::timestamptz` : sql`null`;
  const durationMs =
    row.startedAt && row.finishedAt ? row.finishedAt.getTime() - row.startedAt.getTime() : null;
  // Only what this write knows is set on conflict: a finish keeps the start's input.
  const sets = [sql`status = excluded.status`];
  if (row.input !== undefined) sets.push(sql`input = excluded.input`);
  if (row.output !== undefined) sets.push(sql`output = excluded.output`);
  if (row.error !== undefined) sets.push(sql`error = excluded.error`);
  if (row.simulated !== undefined) sets.push(sql`simulated = excluded.simulated`);
  if (row.startedAt) sets.push(sql`started_at = excluded.started_at`);
  if (row.finishedAt) {
    sets.push(sql`finished_at = excluded.finished_at`);
    sets.push(
      sql`duration_ms = (extract(epoch from (excluded.finished_at - coalesce(run_steps.started_at, excluded.finished_at))) * 1000)::integer`,
    );
  }
  const statement = sql`
    with locked as (
      select status from runs where id = ${row.runId} for update
    ), attempt as (
      insert into run_steps (run_id, step_id, iteration, attempt, status, input, output, error,
                             started_at, finished_at, duration_ms, simulated)
      select ${row.runId}, ${row.stepId}, ${row.iteration}, ${row.attempt},
             case when locked.status = 'cancelled' then 'cancelled' else ${row.status} end,
             ${json(row.input)}, ${json(row.output)}, ${json(row.error)},
             ${ts(row.startedAt)}, ${ts(row.finishedAt)}, ${durationMs}::integer, ${json(row.simulated)}
      from locked where not (${row.skipIfCancelled === true}::boolean and locked.status = 'cancelled')
      on conflict (run_id, step_id, iteration, attempt) do update set ${sql.join(sets, sql`, `)}
        where run_steps.status <> 'cancelled'
      returning status
    ), entry as (
      insert into run_events (run_id, seq, key, message, level, step_id, data)
      select ${row.runId},
             (select coalesce(max(seq), 0) + 1 from run_events where run_id = ${row.runId}),
             ${event.key}, ${event.message}, ${event.level ?? "info"}, ${event.stepId ?? null},
             ${json(event.data ?? null)}
      from attempt
      where attempt.status = ${row.status}
      on conflict (run_id, key) do nothing
      returning seq
    )
    select (select status from attempt) as status,
           pg_notify(${RUN_EVENTS_CHANNEL}, ${row.runId})`;
  // Committed without waiting for the WAL flush (as the embedded executor commits its step
  // results): a crash of the database server can lose only the last fraction of a second,
  // and the engine's memo of the step, committed after this in the same WAL when the engine
  // shares the database, is lost with it, so the step runs again and writes this again.
  const statusOf = (result: unknown): StepStatus => {
    const [written] = rowsOf<{ status: StepStatus | null }>(result);
    // No row back: the attempt was already cancelled and stays so.
    return written?.status ?? "cancelled";
  };
  for (let tries = 1; tries <= SEQ_COLLISION_TRIES; tries++) {
    try {
      return statusOf(await executeAsyncCommit(statement));
    } catch (error) {
      if (!isUniqueViolation(error)) throw error;
    }
  }
  // Busy run (many units recording at once): the run's lock is taken first, in a
  // transaction, so the statement waits for nothing and numbers from a fresh snapshot.
  return (await db()).transaction(async (tx) => {
    await tx.select({ id: runs.id }).from(runs).where(eq(runs.id, row.runId)).for("update");
    return statusOf(await tx.execute(statement));
  });
}

/** How often a record whose entries collided is tried as one statement before it locks first. */
const SEQ_COLLISION_TRIES = 3;

function isUniqueViolation(error: unknown): boolean {
  const { code, cause } = error as { code?: string; cause?: { code?: string } };
  return code === "23505" || cause?.code === "23505";
}

/**
 * The active runs among `runIds` that belong to `userId` (a cancel's child runs: their ids
 * derive from the parent's units, so no parent column is needed to find them).
 */
export async function listActiveRunsByIds({
  userId,
  runIds,
}: {
  userId: string;
  runIds: string[];
}): Promise<Run[]> {
  if (runIds.length === 0) return [];
  return (await db())
    .select()
    .from(runs)
    .where(
      and(
        inArray(runs.id, runIds),
        eq(runs.userId, userId),
        inArray(runs.status, [...ACTIVE_STATUSES]),
      ),
    );
}

/**
 * Appends to the run's log with the next seq, once per key (a replayed write is dropped).
 * Appenders of one run are serialized by a lock on the run row. Returns the seq, or
 * undefined when the key was already written.
 */
type NewRunEvent = {
  runId: string;
  key: string;
  message: string;
  level?: RunEvent["level"];
  stepId?: string;
  data?: unknown;
  at?: Date;
};

/** Appends an event inside a transaction: once per key, numbered after the run's last one. */
async function insertRunEvent(
  tx: Transaction,
  { runId, key, message, level = "info", stepId, data, at }: NewRunEvent,
): Promise<number | undefined> {
  await tx.select({ id: runs.id }).from(runs).where(eq(runs.id, runId)).for("update");
  const [existing] = await tx
    .select({ seq: runEvents.seq })
    .from(runEvents)
    .where(and(eq(runEvents.runId, runId), eq(runEvents.key, key)));
  if (existing) return undefined;
  const [{ next }] = await tx
    .select({ next: sql<number>`coalesce(max(${runEvents.seq}), 0) + 1` })
    .from(runEvents)
    .where(eq(runEvents.runId, runId));
  const [row] = await tx
    .insert(runEvents)
    .values({
      runId,
      seq: Number(next),
      key,
      message,
      level,
      stepId: stepId ?? null,
      data: data ?? null,
      ...(at ? { at } : {}),
    })
    .onConflictDoNothing()
    .returning({ seq: runEvents.seq });
  return row?.seq;
}

export async function appendRunEvent(event: NewRunEvent): Promise<number | undefined> {
  const seq = await (await db()).transaction((tx) => insertRunEvent(tx, event));
  await notifyRun(event.runId);
  return seq;
}

/**
 * Keeps a signal for a wait (the first one wins). `armed` says whether the run is already
 * waiting on it, `consumed` whether a wait already took a signal.
 */
export async function putWaitSignal({
  runId,
  stepId,
  payload,
  at = new Date(),
}: {
  runId: string;
  stepId: string;
  payload: unknown;
  at?: Date;
}): Promise<{ stored: boolean; armed: boolean; consumed: boolean }> {
  const database = await db();
  const inserted = await database
    .insert(waitSignals)
    .values({ runId, stepId, payload: payload ?? null, signaledAt: at })
    .onConflictDoUpdate({
      target: [waitSignals.runId, waitSignals.stepId],
      set: { payload: payload ?? null, signaledAt: at },
      setWhere: isNull(waitSignals.signaledAt),
    })
    .returning();
  const [row] = await database
    .select()
    .from(waitSignals)
    .where(and(eq(waitSignals.runId, runId), eq(waitSignals.stepId, stepId)));
  return {
    stored: inserted.length > 0,
    armed: !!row?.armedAt,
    consumed: !!row?.consumedAt,
  };
}

/**
 * Marks a wait as started and returns a signal that arrived earlier, if any. Arming and
 * reading happen in one statement, so a signal stored before it is always seen, and one
 * stored after it finds the wait armed (and is re-sent until the wait takes it).
 */
export async function armWait({
  runId,
  stepId,
  at = new Date(),
  listen,
}: {
  runId: string;
  stepId: string;
  at?: Date;
  /** wait.event: the app event that also ends the wait, with its matcher. */
  listen?: { event: string } & EventWaitMatcher;
}): Promise<{ signaled: boolean; payload: unknown }> {
  const [row] = await (await db())
    .insert(waitSignals)
    .values({
      runId,
      stepId,
      armedAt: at,
      eventName: listen?.event ?? null,
      matcher: listen
        ? { match: listen.match, scope: listen.scope, timeZone: listen.timeZone }
        : null,
    })
    .onConflictDoUpdate({
      target: [waitSignals.runId, waitSignals.stepId],
      set: {
        armedAt: sql`coalesce(${waitSignals.armedAt}, excluded.armed_at)`,
        eventName: sql`coalesce(${waitSignals.eventName}, excluded.event_name)`,
        matcher: sql`coalesce(${waitSignals.matcher}, excluded.matcher)`,
      },
    })
    .returning();
  return { signaled: !!row?.signaledAt, payload: row?.payload ?? null };
}

/**
 * The person's armed wait.event steps listening for `eventName` that no signal ended yet,
 * in runs that are still going.
 */
export async function listListeningWaits({
  userId,
  eventName,
}: {
  userId: string;
  eventName: string;
}): Promise<{ runId: string; stepId: string; matcher: EventWaitMatcher }[]> {
  const rows = await (await db())
    .select({ runId: waitSignals.runId, stepId: waitSignals.stepId, matcher: waitSignals.matcher })
    .from(waitSignals)
    .innerJoin(runs, eq(runs.id, waitSignals.runId))
    .where(
      and(
        eq(waitSignals.eventName, eventName),
        eq(runs.userId, userId),
        inArray(runs.status, [...ACTIVE_STATUSES]),
        isNotNull(waitSignals.armedAt),
        isNull(waitSignals.signaledAt),
        isNull(waitSignals.consumedAt),
      ),
    );
  return rows.map((r) => ({
    ...r,
    matcher: r.matcher ?? { match: null, scope: {}, timeZone: "UTC" },
  }));
}

export async function consumeWaitSignal({
  runId,
  stepId,
  at = new Date(),
}: {
  runId: string;
  stepId: string;
  at?: Date;
}): Promise<void> {
  await (await db())
    .insert(waitSignals)
    .values({ runId, stepId, armedAt: at, consumedAt: at })
    .onConflictDoUpdate({
      target: [waitSignals.runId, waitSignals.stepId],
      set: { consumedAt: sql`coalesce(${waitSignals.consumedAt}, excluded.consumed_at)` },
    });
}

export async function getWaitSignal({ runId, stepId }: { runId: string; stepId: string }): Promise<{
  signaled: boolean;
  armed: boolean;
  consumed: boolean;
  payload: unknown;
  signaledAt: Date | null;
  /** When the wait ended (took its signal or timed out). */
  consumedAt: Date | null;
}> {
  const [row] = await (await db())
    .select()
    .from(waitSignals)
    .where(and(eq(waitSignals.runId, runId), eq(waitSignals.stepId, stepId)));
  return {
    signaledAt: row?.signaledAt ?? null,
    consumedAt: row?.consumedAt ?? null,
    signaled: !!row?.signaledAt,
    armed: !!row?.armedAt,
    consumed: !!row?.consumedAt,
    payload: row?.payload ?? null,
  };
}

/**
 * When a wait gives up (ISO), as its `:arm` computed it: the `data.deadline` of the wait's
 * "waiting" log entry. Undefined until the run reached the wait (or when it never waited: a
 * signal was already there, or the deadline had passed).
 */
export async function getWaitDeadline({
  runId,
  stepId,
}: {
  runId: string;
  stepId: string;
}): Promise<string | undefined> {
  const [row] = await (await db())
    .select({ deadline: sql<string | null>`${runEvents.data} ->> 'deadline'` })
    .from(runEvents)
    .where(and(eq(runEvents.runId, runId), eq(runEvents.key, `${stepId}:a1:waiting`)));
  return row?.deadline ?? undefined;
}

/**
 * The person's wait steps that are waiting now with no signal yet, in runs still going, newest
 * first: what "approve it" may mean. The caller tells approvals from other waits by the plan.
 */
export async function listOpenWaits({
  userId,
  limit = 50,
}: {
  userId: string;
  limit?: number;
}): Promise<
  {
    runId: string;
    stepId: string;
    workflowId: string;
    workflowTitle: string;
    threadId: string | null;
    versionId: string;
    input: unknown;
    waitingSince: Date | null;
    runCreatedAt: Date;
  }[]
> {
  return (await db())
    .select({
      runId: runs.id,
      stepId: runSteps.stepId,
      workflowId: runs.workflowId,
      workflowTitle: workflows.title,
      // The run's own thread, else its workflow's (a scheduled run posts there).
      threadId: sql<string | null>`coalesce(${runs.threadId}, ${workflows.threadId})`,
      versionId: runs.versionId,
      input: runSteps.input,
      waitingSince: runSteps.startedAt,
      runCreatedAt: runs.createdAt,
    })
    .from(runSteps)
    .innerJoin(runs, eq(runs.id, runSteps.runId))
    .innerJoin(workflows, eq(workflows.id, runs.workflowId))
    .leftJoin(
      waitSignals,
      and(eq(waitSignals.runId, runSteps.runId), eq(waitSignals.stepId, runSteps.stepId)),
    )
    .where(
      and(
        eq(runs.userId, userId),
        inArray(runs.status, [...ACTIVE_STATUSES]),
        // A test's waits are answered on its own card only (lib/runs/test-waits.ts).
        isNull(runs.test),
        eq(runSteps.status, "waiting"),
        isNull(waitSignals.signaledAt),
      ),
    )
    .orderBy(desc(runSteps.startedAt))
    .limit(limit);
}

/** Stores a large output once; a retried step overwrites it with the attempt that counts. */
export async function saveRunOutput({
  runId,
  unitId,
  value,
  size,
}: {
  runId: string;
  unitId: string;
  value: unknown;
  size: number;
}): Promise<void> {
  await (await db())
    .insert(runOutputs)
    .values({ runId, unitId, value: value ?? null, size })
    .onConflictDoUpdate({
      target: [runOutputs.runId, runOutputs.unitId],
      set: { value: value ?? null, size },
    });
}

export async function loadRunOutput({
  runId,
  unitId,
}: {
  runId: string;
  unitId: string;
}): Promise<unknown> {
  const [row] = await (await db())
    .select({ value: runOutputs.value })
    .from(runOutputs)
    .where(and(eq(runOutputs.runId, runId), eq(runOutputs.unitId, unitId)));
  if (!row) throw new Error(`stored output of ${unitId} in run ${runId} is missing`);
  return row.value;
}
