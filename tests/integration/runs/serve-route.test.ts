// The app's real /api/inngest route in its default setup (embedded engine, keys generated into
// DATA_DIR): calls signed by the embedded engine run the app's functions; anything else (no
// signature, a forged one, another key, an oversized body) is refused before it runs or
// tells anything about the app.
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createEngine, type Engine } from "@/inngest/local/engine";
import { silentLogger } from "@/inngest/local/interfaces";
import { signBody } from "@/inngest/local/protocol/signing";
import { resetEnvForTests } from "@/lib/env";
import { createTestDatabase, type TestDatabase } from "@/tests/helpers/database";
import { freePort } from "../engine/processes";
import { plan, pointAppAt } from "./harness";

const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), "flowchat-serve-route-"));
const port = await freePort();
for (const name of ["INNGEST_MODE", "INNGEST_DEV", "INNGEST_SIGNING_KEY", "INNGEST_EVENT_KEY"]) {
  delete process.env[name];
}
delete process.env.INNGEST_BASE_URL;
process.env.DATA_DIR = dataDir;
process.env.INNGEST_EMBEDDED_PORT = String(port);
process.env.INNGEST_MAX_REQUEST_BYTES = String(256 * 1024);
resetEnvForTests();

const route = await import("@/app/api/inngest/route");
const { embeddedEngineKeys } = await import("@/inngest/keys");

const APP = "http://127.0.0.1:3999/api/inngest";
const handlers = { GET: route.GET, POST: route.POST, PUT: route.PUT };
const appFetch = (request: Request) =>
  handlers[request.method as keyof typeof handlers](request, {});

/** The call the attacker made: a forged schedule tick that would list every workflow. */
const forgedTick = {
  event: { name: "inngest/scheduled.timer", data: { cron: "* * * * *" }, id: "x", ts: Date.now() },
  events: [{ name: "inngest/scheduled.timer", data: { cron: "* * * * *" } }],
  steps: {},
  ctx: {
    run_id: "01J00000000000000000000000",
    attempt: 0,
    max_attempts: 1,
    disable_immediate_execution: false,
    use_api: false,
    stack: { stack: [], current: 0 },
  },
  version: 2,
};

describe("/api/inngest in the default (embedded) setup", () => {
  let database: TestDatabase;
  let engine: Engine;
  beforeAll(async () => {
    database = await createTestDatabase("pglite");
    pointAppAt(database);
    engine = createEngine({
      db: database,
      port,
      apps: [{ url: APP, fetch: appFetch }],
      pollIntervalMs: 200,
      logger: silentLogger,
      ...embeddedEngineKeys(),
    });
    await engine.start();
  });
  afterAll(async () => {
    await engine?.stop();
    await database?.drop();
    fs.rmSync(dataDir, { recursive: true, force: true });
  });

  it("generates the engine's keys into DATA_DIR, readable by the owner only", () => {
    const keys = embeddedEngineKeys();
    expect(keys.signingKey).toMatch(/^signkey-prod-[0-9a-f]{64}$/);
    expect(keys.eventKey).toMatch(/^[0-9a-f]{64}$/);
    const stat = fs.statSync(path.join(dataDir, "inngest-signing-key"));
    expect(stat.mode & 0o077).toBe(0);
  });

  it("runs a workflow end to end through calls the embedded engine signs", async () => {
    const { createUser } = await import("@/lib/db/queries");
    const { createWorkflow, approveWorkflowVersion } = await import("@/lib/db/workflow-queries");
    const { startRun } = await import("@/lib/runs/start-run");
    const { getRunById } = await import("@/lib/db/run-queries");
    const user = await createUser({ email: "signed@example.com", passwordHash: "x" });
    const { workflow, version } = await createWorkflow({
      userId: user.id,
      title: "Signed",
      author: "person",
      plan: plan([{ id: "hello", action: "transform", input: { value: "hi" } }]),
    });
    await approveWorkflowVersion({
      userId: user.id,
      workflowId: workflow.id,
      versionId: version.id,
    });
    const run = await startRun({ userId: user.id, workflowId: workflow.id });
    await expect
      .poll(async () => (await getRunById({ runId: run.id }))?.status, { timeout: 30_000 })
      .toBe("succeeded");
  });

  it("answers an unsigned call with 401 and runs nothing", async () => {
    const response = await route.POST(
      new Request(`${APP}?fnId=flowchat-schedule-tick&stepId=step`, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify(forgedTick),
      }),
      {},
    );
    expect(response.status).toBe(401);
    const text = await response.text();
    expect(text).not.toContain("userId");
    expect(text).not.toContain("threadId");
  });

  it("answers a call signed with another key, or a forged signature, with 401", async () => {
    const otherKey =
      "signkey-prod-abababababababababababababababababababababababababababababababab";
    for (const signature of [
      signBody(forgedTick, otherKey),
      `t=${Math.floor(Date.now() / 1000)}&s=${"0".repeat(64)}`,
      "garbage",
    ]) {
      const response = await route.POST(
        new Request(`${APP}?fnId=flowchat-schedule-tick&stepId=step`, {
          method: "POST",
          headers: { "content-type": "application/json", "x-inngest-signature": signature },
          body: JSON.stringify(forgedTick),
        }),
        {},
      );
      expect(response.status, signature).toBe(401);
    }
  });

  it("tells an anonymous GET or PUT nothing about its mode or functions", async () => {
    for (const method of ["GET", "PUT"] as const) {
      const response = await route[method](new Request(APP, { method }), {});
      expect(response.status).toBe(401);
      const text = await response.text();
      expect(text).not.toContain("mode");
      expect(text).not.toContain("function_count");
    }
    const inBand = await route.PUT(
      new Request(APP, {
        method: "PUT",
        headers: { "content-type": "application/json", "x-inngest-sync-kind": "in_band" },
        body: JSON.stringify({ url: APP }),
      }),
      {},
    );
    expect(inBand.status).toBe(401);
  });

  it("refuses an oversized body with 413 before verifying or running it", async () => {
    const big = { ...forgedTick, padding: "x".repeat(300 * 1024) };
    const response = await route.POST(
      new Request(`${APP}?fnId=flowchat-schedule-tick&stepId=step`, {
        method: "POST",
        headers: {
          "content-type": "application/json",
          "x-inngest-signature": signBody(big, embeddedEngineKeys().signingKey),
        },
        body: JSON.stringify(big),
      }),
      {},
    );
    expect(response.status).toBe(413);
  });
});
