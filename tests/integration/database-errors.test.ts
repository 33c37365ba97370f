// A database error never carries its SQL or bound values (a secret on its way into a record,
// an email) into what people, the model or the logs see: step errors, function errors, run
// records and log lines get its SQLSTATE only. Checked with real failing statements on both
// drivers, and through the real SDK and executor for a step that fails that way.
import { Inngest } from "inngest";
import { serve } from "inngest/next";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { functionMiddleware } from "@/inngest/middleware/safe-errors";
import { asDatabaseError } from "@/lib/db/errors";
import { runSteps } from "@/lib/db/schema";
import { logError } from "@/lib/log";
import { toFetch } from "@/tests/fixtures/inngest-app/app";
import { createTestDatabase, drivers, type TestDatabase } from "@/tests/helpers/database";
import { engineSuite } from "@/tests/integration/engine/harness";

const SECRET = "pl41ntext-secret-9f2c";
const keys = {
  signingKey: "signkey-prod-0a0a0a0a0a0a0a0a0a0a0a0a0a0a0a0a0a0a0a0a0a0a0a0a0a0a0a0a0a0a0a0a",
  eventKey: "database-errors-event-key",
};

/** An insert that fails (its run does not exist) with the secret among its parameters. */
async function failingInsert(database: TestDatabase): Promise<unknown> {
  return database.db
    .insert(runSteps)
    .values({
      runId: crypto.randomUUID(),
      stepId: "leak",
      status: "running",
      input: { token: SECRET },
    })
    .then(
      () => undefined,
      (error: unknown) => error,
    );
}

describe.each(drivers)("database errors on %s", (driver) => {
  let database: TestDatabase;
  beforeAll(async () => {
    database = await createTestDatabase(driver);
  });
  afterAll(async () => {
    await database?.drop();
  });

  it("are reduced to their SQLSTATE, with no SQL and no parameters", async () => {
    const error = await failingInsert(database);
    // The raw error does carry the value: that is what must not travel.
    expect(String((error as Error).message)).toContain(SECRET);
    const safe = asDatabaseError(error);
    expect(safe?.message).toBe(
      "A database operation failed (SQLSTATE 23503, foreign key violation).",
    );
    expect(safe?.retriable).toBe(false);
    expect(JSON.stringify({ message: safe?.message, stack: safe?.stack })).not.toContain(SECRET);
    expect(safe?.stack).not.toMatch(/insert into/i);
  });

  it("reach the logs without their parameters", async () => {
    const lines: string[] = [];
    const spy = vi.spyOn(console, "error").mockImplementation((...args: unknown[]) => {
      lines.push(
        args.map((a) => (a instanceof Error ? `${a.message} ${a.stack}` : String(a))).join(" "),
      );
    });
    try {
      logError("[test] could not save", await failingInsert(database));
    } finally {
      spy.mockRestore();
    }
    expect(lines.join("\n")).toContain("SQLSTATE 23503");
    expect(lines.join("\n")).not.toContain(SECRET);
    expect(lines.join("\n")).not.toMatch(/params:/);
  });
});

describe("a step that fails with a database error", () => {
  const suite = engineSuite({ pollIntervalMs: 100, ...keys });
  beforeAll(async () => {
    const client = new Inngest({
      id: "db-errors",
      isDev: false,
      baseUrl: suite.engine.url,
      logger: { info() {}, warn() {}, error() {}, debug() {} },
      ...keys,
    });
    const fn = client.createFunction(
      {
        id: "leaky",
        triggers: [{ event: "test/leaky" }],
        retries: 0,
        middleware: functionMiddleware,
      },
      async ({ step }) => {
        await step.run("write", async () => {
          throw await failingInsert(suite.database);
        });
      },
    );
    await suite.engine.sync({
      url: "http://db-errors.test/api/inngest",
      fetch: toFetch(serve({ client, functions: [fn] })),
    });
  });

  it("is stored by the engine without SQL or parameters, and not retried", async () => {
    const [eventId] = await suite.engine.send({ name: "test/leaky", data: {} });
    await expect
      .poll(async () => (await suite.engine.listRuns({ eventId }))[0]?.status, { timeout: 20_000 })
      .toBe("failed");
    const [run] = await suite.engine.listRuns({ eventId });
    const detail = await suite.engine.getRun(run.id);
    const everything = JSON.stringify(detail);
    expect(everything).toContain("SQLSTATE 23503");
    expect(everything).not.toContain(SECRET);
    expect(everything).not.toMatch(/insert into|params:/i);
    const attempts = detail?.steps.flatMap((s) => s.attempts) ?? [];
    expect(attempts).toHaveLength(1);
    const stored = await suite.engine.sql.query("select * from engine.steps");
    expect(JSON.stringify(stored)).not.toContain(SECRET);
  });
});
