// Beside race-mode branches, an invoke (or a sleep, or a wait) can end while the run's next
// discovery call is already out: its end queues no second discovery (one is queued, the one
// in flight), and that call's answer reports the invoke again, without its result. The
// executor then asks again; before, the run sat until its slowest sibling ended (seen as a
// parent that never went past a quick child while a slow one napped).
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { parseFunctionConfig } from "@/inngest/local/function-config";
import { silentLogger } from "@/inngest/local/interfaces";
import { applyAnswer } from "@/inngest/local/jobs/apply-answer";
import { OpCode } from "@/inngest/local/protocol/ops";
import { Registry } from "@/inngest/local/registry";
import { createSqlClient, type SqlClient } from "@/inngest/local/sql-client";
import { createTestDatabase, type TestDatabase } from "@/tests/helpers/database";

class Rollback extends Error {}

describe.each(["postgres", "pglite"] as const)("a stale discovery answer on %s", (driver) => {
  let database: TestDatabase;
  let sql: SqlClient;
  const registry = new Registry([]);
  beforeAll(async () => {
    database = await createTestDatabase(driver);
    sql = createSqlClient(database);
    const config = {
      id: "app-child",
      name: "child",
      triggers: [{ event: "x/child" }],
      steps: {
        step: {
          id: "step",
          name: "step",
          runtime: { type: "http", url: "http://app.test/api/inngest?fnId=app-child&stepId=step" },
        },
      },
    };
    const parsed = parseFunctionConfig(config as never, "app", []);
    registry.setFunctions(parsed ? [parsed] : []);
  });
  afterAll(() => database?.drop());

  const race = { parallelMode: "race" };
  const invoke = (id: string) => ({
    id,
    op: OpCode.InvokeFunction,
    opts: { function_id: "app-child", payload: { data: {} }, ...race },
  });

  /** Applies a discovery's answer re-reporting both invokes; the discovery jobs it queued. */
  async function answerAgain(runId: string, quickEnded: boolean) {
    let queued: unknown[] = [];
    await sql
      .tx(async (q) => {
        await q.query(
          `insert into engine.runs (id, function_id, app_id, event_id, event, status)
           values ($1, 'app-parent', 'app', 'ev-' || $1, '{}'::jsonb, 'running')`,
          [runId],
        );
        // The slow child still going; the quick one ended (its result stored) or not.
        await q.query(
          `insert into engine.pauses (id, kind, run_id, step) values
             ($1 || ':invoke:slow', 'invoke', $1, 'slow')`,
          [runId],
        );
        await q.query(
          quickEnded
            ? `insert into engine.steps (run_id, hash, status, output, position)
               values ($1, 'quick', 'completed', '{"data":{"ok":true}}'::jsonb, 0)`
            : `insert into engine.pauses (id, kind, run_id, step) values
                 ($1 || ':invoke:quick', 'invoke', $1, 'quick')`,
          [runId],
        );
        await applyAnswer(
          q,
          { logger: silentLogger, afterCommit: () => {} },
          { registry, backoff: () => 0 },
          {
            run: {
              id: runId,
              function_id: "app-parent",
              status: "running",
              event: {},
              parent_run_id: null,
              parent_step: null,
            },
            fn: registry.functions.get("app-child") as never,
            job: { id: `job-${runId}`, kind: "call", run_id: runId, payload: {} } as never,
            stepId: "step",
            attempt: 0,
            startedAt: Date.now(),
            durationMs: 1,
          },
          { kind: "ops", ops: [invoke("quick"), invoke("slow")] as never },
        );
        queued = await q.query(
          "select payload from engine.jobs where run_id = $1 and kind = 'call'",
          [runId],
        );
        throw new Rollback();
      })
      .catch((error) => {
        if (!(error instanceof Rollback)) throw error;
      });
    return queued;
  }

  it("asks again when an invoke it reports had ended while it was out", async () => {
    expect(await answerAgain(`stale-${driver}`, true)).toEqual([
      { payload: { step: "step", attempt: 0 } },
    ]);
  });

  it("queues nothing while every invoke it reports is still going", async () => {
    expect(await answerAgain(`going-${driver}`, false)).toEqual([]);
  });
});
