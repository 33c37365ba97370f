// An app whose functions the executor cannot run as declared is refused loudly: the SDK's own
// `serve` PUT fails with the reason (the SDK reads the registration's outcome from the body's
// `status`), the engine logs it, and nothing of the app is stored.
import { Inngest } from "inngest";
import { serve } from "inngest/next";
import { describe, expect, it } from "vitest";
import type { EngineLogger } from "@/inngest/local/interfaces";
import { toFetch } from "@/tests/fixtures/inngest-app/app";
import { engineSuite } from "./harness";

const errors: { message: string; fields?: Record<string, unknown> }[] = [];
const logger: EngineLogger = {
  info() {},
  warn() {},
  debug() {},
  error(message: string, fields?: Record<string, unknown>) {
    errors.push({ message, fields });
  },
} as EngineLogger;

describe("a registration the executor refuses", () => {
  const suite = engineSuite({ logger });
  const quiet = { info() {}, warn() {}, error() {}, debug() {} };

  it("fails the SDK's PUT with the reason, logs it and stores nothing", async () => {
    const client = new Inngest({
      id: "limited-app",
      isDev: true,
      baseUrl: suite.engine.url,
      logger: quiet,
    });
    const fn = client.createFunction(
      {
        id: "limited",
        triggers: [{ event: "x/limited" }],
        // More limits than Inngest allows: must not be accepted and then half-applied.
        concurrency: [{ limit: 1 }, { limit: 2 }, { limit: 3 }] as never,
      },
      async () => "ran",
    );
    const handler = toFetch(serve({ client, functions: [fn], serveOrigin: "http://t.test" }));
    const res = await handler(new Request("http://t.test/api/inngest", { method: "PUT" }));
    const body = await res.json();
    expect(res.status).toBe(400);
    expect(body.message).toMatch(
      /function "limited-app-limited": at most two concurrency limits are allowed \(got 3\)/,
    );
    expect(body.modified).toBe(false);

    expect(errors.map((e) => e.message)).toContain("refused an app's registration");
    expect(String(errors.at(-1)?.fields?.error)).toMatch(
      /at most two concurrency limits are allowed/,
    );
    const stored = await suite.engine.sql.query(
      "select id from engine.functions where app_id = 'limited-app'",
    );
    expect(stored).toEqual([]);
  });

  it("answers a malformed registration with the same readable refusal", async () => {
    const res = await fetch(`${suite.engine.url}/fn/register`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ functions: [] }),
    });
    expect(res.status).toBe(400);
    expect(await res.json()).toEqual({
      status: 400,
      error: "A registration needs appName and url",
      modified: false,
    });
  });
});
