// A run's end in one statement (sql/complete-lone-run.ts): only for the run's call still in
// flight, on an active run with no parent and no defer to start; it drops what the run still
// had queued or paused, stores inngest/function.finished, and queues that event's job only
// when something listens. Anything else writes nothing (the caller takes the transaction).
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { completeLoneRun } from "@/inngest/local/sql/complete-lone-run";
import { createSqlClient, type SqlClient } from "@/inngest/local/sql-client";
import { createTestDatabase, type TestDatabase } from "@/tests/helpers/database";

describe.each(["postgres", "pglite"] as const)("one-statement run end on %s", (driver) => {
  // The engine's schema with no engine running: nothing but the test touches the rows.
  let database: TestDatabase;
  let sql: SqlClient;
  beforeAll(async () => {
    database = await createTestDatabase(driver);
    sql = createSqlClient(database);
  });
  afterAll(() => database?.drop());

  let seq = 0;
  /** An active run with its call job claimed, a sleep timer and a wait pause. */
  async function plantRun(options: { parent?: boolean; status?: string } = {}) {
    const runId = `lone-${driver}-${++seq}`;
    await sql.query(
      `insert into engine.runs (id, function_id, app_id, event_id, event, status, parent_run_id, parent_step)
       values ($1, 'fn-lone', 'app', 'ev-' || $1, '{}'::jsonb, $2, $3, $4)`,
      [
        runId,
        options.status ?? "running",
        options.parent ? "parent-run" : null,
        options.parent ? "s" : null,
      ],
    );
    await sql.query(
      `insert into engine.jobs (id, kind, run_id, payload, locked_at, locked_by, run_at) values
         ($1 || ':call', 'call', $1, '{}'::jsonb, now(), 'someone', now()),
         ($1 || ':timer', 'timer', $1, '{}'::jsonb, null, null, now() + interval '1 hour')`,
      [runId],
    );
    await sql.query(
      `insert into engine.pauses (id, kind, run_id, step, event_name)
       values ($1 || ':wait', 'wait', $1, 'w', 'nobody/sends-this')`,
      [runId],
    );
    return runId;
  }
  const end = (runId: string, options: { jobId?: string; output?: unknown } = {}) =>
    completeLoneRun(sql, {
      runId,
      functionId: "fn-lone",
      jobId: options.jobId ?? `${runId}:call`,
      startedAt: Date.now(),
      output: "output" in options ? options.output : { ok: true },
    });
  const runOf = async (runId: string) => {
    const [run] = await sql.query<{ status: string; output: unknown; ended: boolean }>(
      "select status, output, ended_at is not null as ended from engine.runs where id = $1",
      [runId],
    );
    return run;
  };
  const count = async (table: string, runId: string) => {
    const [row] = await sql.query<{ n: number }>(
      `select count(*)::int as n from engine.${table} where run_id = $1`,
      [runId],
    );
    return row.n;
  };
  const finishedEvents = (runId: string) =>
    sql.query<{ id: string; payload: Record<string, unknown> }>(
      `select id, payload from engine.events
       where name = 'inngest/function.finished' and payload->'data'->>'run_id' = $1`,
      [runId],
    );

  it("ends the run, drops its jobs and pauses, stores its function.finished", async () => {
    const runId = await plantRun();
    expect(await end(runId)).toEqual({ ended: true, queued: false });
    expect(await runOf(runId)).toEqual({ status: "completed", output: { ok: true }, ended: true });
    expect(await count("jobs", runId)).toBe(0);
    expect(await count("pauses", runId)).toBe(0);
    const [event] = await finishedEvents(runId);
    expect(event.payload).toMatchObject({
      name: "inngest/function.finished",
      id: event.id,
      user: {},
      data: { function_id: "fn-lone", run_id: runId, result: { ok: true } },
    });
    expect(event.payload.data).not.toHaveProperty("correlation_id");
    // Nobody listens to it: no event job.
    const jobs = await sql.query(
      "select 1 from engine.jobs where kind = 'event' and payload->>'eventId' = $1",
      [event.id],
    );
    expect(jobs).toEqual([]);
  });

  it("keeps a string or absent output as the run's output", async () => {
    const text = await plantRun();
    await end(text, { output: "done" });
    expect((await runOf(text)).output).toBe("done");
    const none = await plantRun();
    await end(none, { output: undefined });
    expect((await runOf(none)).output).toBeNull();
  });

  it("queues the event's job while a wait listens for another run's end", async () => {
    const watcher = await plantRun();
    await sql.query(
      `insert into engine.pauses (id, kind, run_id, step, event_name)
       values ($1 || ':finished', 'wait', $1, 'f', 'inngest/function.finished')`,
      [watcher],
    );
    const runId = await plantRun();
    expect(await end(runId)).toEqual({ ended: true, queued: true });
    expect(await count("pauses", watcher)).toBe(2);
  });

  it("writes nothing for a call that is no longer the run's, or a run already ended", async () => {
    const runId = await plantRun();
    expect(await end(runId, { jobId: "another-job" })).toEqual({ ended: false, queued: false });
    expect((await runOf(runId)).status).toBe("running");
    expect(await count("jobs", runId)).toBe(2);

    const cancelled = await plantRun({ status: "cancelled" });
    expect((await end(cancelled)).ended).toBe(false);
    expect((await runOf(cancelled)).status).toBe("cancelled");
    expect(await finishedEvents(cancelled)).toEqual([]);
  });

  it("leaves a run with a parent, or with a defer to start, to the transaction", async () => {
    const child = await plantRun({ parent: true });
    expect((await end(child)).ended).toBe(false);
    expect((await runOf(child)).status).toBe("running");
    expect(await count("jobs", child)).toBe(2);

    const deferring = await plantRun();
    await sql.query(
      `insert into engine.defers (run_id, hash, fn_slug, input) values ($1, 'd1', 'app-later', '{}'::jsonb)`,
      [deferring],
    );
    expect((await end(deferring)).ended).toBe(false);
    expect(await count("pauses", deferring)).toBe(1);
    expect(await finishedEvents(deferring)).toEqual([]);

    // An aborted defer starts nothing: the one statement may end that run.
    const aborted = await plantRun();
    await sql.query(
      `insert into engine.defers (run_id, hash, fn_slug, input, aborted) values ($1, 'd1', 'app-later', '{}'::jsonb, true)`,
      [aborted],
    );
    expect((await end(aborted)).ended).toBe(true);
  });
});
