// A run that uses a secret leaves no trace of its value: not in any table of the app or the
// executor, not in the thread, not in the server's logs — even though the upstream server
// echoes the secret back in its response.
import http from "node:http";
import type { AddressInfo } from "node:net";
import os from "node:os";
import path from "node:path";
import { Inngest } from "inngest";
import { serve } from "inngest/next";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { createEngine, type Engine } from "@/inngest/local/engine";
import { silentLogger } from "@/inngest/local/interfaces";
import { resetEnvForTests } from "@/lib/env";
import { toFetch } from "@/tests/fixtures/inngest-app/app";
import { createTestDatabase, type TestDatabase } from "@/tests/helpers/database";
import { pointAppAt } from "./harness";

process.env.HTTP_ALLOWLIST = "127.0.0.1";
process.env.DATA_DIR ??= path.join(os.tmpdir(), `flowchat-redaction-${process.pid}`);
resetEnvForTests();

const SECRET = "s3cr3t-Token-4f9a2c71e0";

describe("secret redaction across a whole run", () => {
  let database: TestDatabase;
  let engine: Engine;
  let echo: http.Server;
  let echoUrl: string;
  const logs: string[] = [];
  const received: (string | undefined)[] = [];

  beforeAll(async () => {
    for (const level of ["log", "info", "warn", "error", "debug"] as const) {
      vi.spyOn(console, level).mockImplementation((...args: unknown[]) => {
        logs.push(
          args.map((a) => (a instanceof Error ? `${a.message} ${a.stack}` : String(a))).join(" "),
        );
      });
    }
    echo = http.createServer((request, response) => {
      received.push(request.headers.authorization);
      response.setHeader("content-type", "application/json");
      response.end(
        JSON.stringify({ url: request.url, authorization: request.headers.authorization }),
      );
    });
    await new Promise<void>((resolve) => echo.listen(0, "127.0.0.1", resolve));
    echoUrl = `http://127.0.0.1:${(echo.address() as AddressInfo).port}/echo`;

    database = await createTestDatabase("postgres");
    pointAppAt(database);
    engine = createEngine({
      db: database,
      port: 0,
      backoff: () => 50,
      pollIntervalMs: 200,
      logger: silentLogger,
    });
    await engine.start();
    const client = new Inngest({
      id: "flowchat",
      isDev: true,
      baseUrl: engine.url,
      logger: silentLogger as never,
    });
    const { createFunctions } = await import("@/inngest/functions");
    const { actionRegistry } = await import("@/lib/actions/registry");
    const functions = createFunctions({
      client,
      registry: actionRegistry,
      appUrl: "http://app.test",
    });
    await engine.sync({
      url: "http://app.test/api/inngest",
      fetch: toFetch(serve({ client, functions })),
    });
    (globalThis as { redactionClient?: unknown }).redactionClient = client;
  });
  afterAll(async () => {
    vi.restoreAllMocks();
    await engine?.stop();
    await database?.drop();
    await new Promise((resolve) => echo?.close(resolve));
  });

  it("keeps the value out of every table, the thread and the logs", async () => {
    const { createUser, getOrCreateThread } = await import("@/lib/db/queries");
    const { createWorkflow, approveWorkflowVersion } = await import("@/lib/db/workflow-queries");
    const { saveSecret } = await import("@/lib/secrets/store");
    const { startRun } = await import("@/lib/runs/start-run");
    const { getRunById } = await import("@/lib/db/run-queries");

    const user = await createUser({ email: "redact@example.com", passwordHash: "x" });
    const threadId = crypto.randomUUID();
    await getOrCreateThread({ id: threadId, userId: user.id, title: "Secrets" });
    await saveSecret({ userId: user.id, name: "API_TOKEN", value: SECRET });
    const plan = {
      version: 1,
      title: "Uses a secret",
      trigger: { type: "manual" },
      steps: [
        {
          id: "call",
          action: "http.request",
          input: {
            url: echoUrl,
            query: { token: "{{ secrets.API_TOKEN }}" },
            headers: { Authorization: "Bearer {{ secrets.API_TOKEN }}" },
          },
        },
        {
          id: "tell",
          action: "chat.post",
          after: ["call"],
          input: {
            text: "Upstream said {{ $string(steps.call.output.body) }} with {{ secrets.API_TOKEN }}",
          },
        },
      ],
    };
    const { workflow, version } = await createWorkflow({
      userId: user.id,
      threadId,
      title: plan.title,
      plan,
      author: "person",
    });
    await approveWorkflowVersion({
      userId: user.id,
      workflowId: workflow.id,
      versionId: version.id,
    });
    const client = (globalThis as { redactionClient?: never }).redactionClient;
    const run = await startRun({ userId: user.id, workflowId: workflow.id, threadId, client });

    let finished = await getRunById({ runId: run.id });
    for (let i = 0; i < 300 && !["succeeded", "failed"].includes(finished?.status ?? ""); i++) {
      await new Promise((resolve) => setTimeout(resolve, 100));
      finished = await getRunById({ runId: run.id });
    }
    expect(finished?.status).toBe("succeeded");
    // The upstream really got (and echoed back) the secret: there was something to redact.
    expect(received).toEqual([`Bearer ${SECRET}`]);

    const sql = database.client.kind === "postgres" ? database.client.sql : undefined;
    if (!sql) throw new Error("postgres expected");
    const tables = await sql<{ schema: string; name: string }[]>`
      select table_schema as schema, table_name as name from information_schema.tables
      where table_schema in ('public', 'engine') and table_type = 'BASE TABLE'`;
    expect(tables.length).toBeGreaterThan(10);
    const encodings = [SECRET, Buffer.from(SECRET).toString("base64"), encodeURIComponent(SECRET)];
    let rowsRead = 0;
    for (const table of tables) {
      if (table.name === "secrets") continue; // the ciphertext itself
      const rows = await sql.unsafe(
        `select t::text as row from "${table.schema}"."${table.name}" t`,
      );
      for (const { row } of rows as unknown as { row: string }[]) {
        rowsRead++;
        for (const form of encodings) {
          expect(row, `${table.schema}.${table.name}`).not.toContain(form);
        }
      }
    }
    expect(rowsRead).toBeGreaterThan(20);
    for (const line of logs) for (const form of encodings) expect(line).not.toContain(form);

    // The redacted stand-in is what people (and the model) see instead.
    const messages = await sql<
      { parts: unknown }[]
    >`select parts from messages where thread_id = ${threadId}`;
    expect(JSON.stringify(messages)).toContain("[secret:API_TOKEN]");
  });
});
