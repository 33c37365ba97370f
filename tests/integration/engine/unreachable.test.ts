// A call to an app process that is gone (nothing listens on its port: a takeover, a rolling
// restart) is no step failure: the call goes back to the queue at the same attempt, without
// the retry backoff, and runs as soon as the app answers again.
import http from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, describe, expect, it } from "vitest";
import { createEngine } from "@/inngest/local/engine";
import { silentLogger } from "@/inngest/local/interfaces";
import { isUnreachable } from "@/inngest/local/protocol/call";
import { createTestApp } from "@/tests/fixtures/inngest-app/app";
import { createTestDatabase, type TestDatabase } from "@/tests/helpers/database";
import { freePort } from "./processes";

/** Serves `handler` on `port` over HTTP until closed (connections cut at once). */
async function listen(port: number, handler: (request: Request) => Promise<Response>) {
  const server = http.createServer(async (req, res) => {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const headers = new Headers();
    for (const [k, v] of Object.entries(req.headers)) if (typeof v === "string") headers.set(k, v);
    const response = await handler(
      new Request(`http://127.0.0.1:${port}${req.url}`, {
        method: req.method,
        headers,
        body: req.method === "GET" || req.method === "HEAD" ? undefined : Buffer.concat(chunks),
      }),
    );
    res.writeHead(response.status, Object.fromEntries(response.headers));
    res.end(Buffer.from(await response.arrayBuffer()));
  });
  await new Promise<void>((resolve) => server.listen(port, "127.0.0.1", resolve));
  expect((server.address() as AddressInfo).port).toBe(port);
  return () =>
    new Promise<void>((resolve) => {
      server.close(() => resolve());
      server.closeAllConnections();
    });
}

describe("an app process that is gone", () => {
  const databases: TestDatabase[] = [];
  afterAll(async () => {
    for (const db of databases) await db.drop();
  });

  it("tells a refused connection from an answer or a timeout", async () => {
    const port = await freePort();
    const refused = await fetch(`http://127.0.0.1:${port}/`).catch((error) => error);
    expect(isUnreachable(refused)).toBe(true);
    expect(isUnreachable(new Error("The operation was aborted due to timeout"))).toBe(false);
    expect(isUnreachable(Object.assign(new Error("aborted"), { name: "TimeoutError" }))).toBe(
      false,
    );
  });

  // PostgreSQL only: the path is the same on PGlite (one SQL statement), which takes seconds
  // longer to create a database.
  it.each(["postgres"] as const)(
    "postpones the call without spending an attempt until the app is back (%s)",
    async (driver) => {
      const db = await createTestDatabase(driver);
      databases.push(db);
      const port = await freePort();
      const app = await createTestApp({ engineUrl: "http://127.0.0.1:1", id: "gone" });
      const url = `http://127.0.0.1:${port}/api/inngest`;
      let close = await listen(port, app.fetch);
      const engine = createEngine({
        db,
        // A spent attempt would wait this long: the run could not end within the test.
        backoff: () => 60_000,
        pollIntervalMs: 100,
        logger: silentLogger,
      });
      await engine.start();
      try {
        await engine.sync(url);
        await close();
        const [eventId] = await engine.send({ name: "test/steps", data: { key: "gone" } });
        await expect
          .poll(
            async () => {
              const [job] = await engine.sql.query<{ n: number }>(
                "select (payload->>'unreachable')::int as n from engine.jobs where kind = 'call'",
              );
              return job?.n ?? 0;
            },
            { timeout: 10_000 },
          )
          .toBeGreaterThanOrEqual(2);
        close = await listen(port, app.fetch);
        const [run] = await engine.listRuns({ eventId });
        const done = await engine.waitForRun(run.id, { timeoutMs: 15_000 });
        expect(done.status).toBe("completed");
        const attempts = await engine.sql.query<{ attempt: number; outcome: string }>(
          "select attempt, outcome from engine.attempts",
        );
        expect(attempts.length).toBeGreaterThan(0);
        expect(attempts.every((a) => a.attempt === 0 && a.outcome === "ok")).toBe(true);
      } finally {
        await engine.stop();
        await close();
      }
    },
    40_000,
  );
});
