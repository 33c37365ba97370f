// The executor's own HTTP API with keys (always so in the app's embedded mode): every route but
// GET /health takes only a bearer of the hashed signing key, as Inngest's API does; events only
// at /e/<event key>. Without keys, on loopback, it stays as open as the Dev Server; a public
// host without keys is refused at start.
import { Inngest } from "inngest";
import { serve } from "inngest/next";
import { describe, expect, it } from "vitest";
import { inProcessFetch } from "@/inngest/local/in-process-fetch";
import { hashSigningKey } from "@/inngest/local/protocol/signing";
import { toFetch } from "@/tests/fixtures/inngest-app/app";
import { engineSuite } from "./harness";
import { spawnTs } from "./processes";

const SIGNING_KEY = "signkey-prod-00112233445566778899aabbccddeeff00112233445566778899aabbccddeeff";
const EVENT_KEY = "event-key-for-tests";
const BEARER = `Bearer ${hashSigningKey(SIGNING_KEY)}`;

const routes: [method: string, path: string, body?: unknown][] = [
  ["GET", "/dev"],
  ["POST", "/fn/register", { url: "http://spy.test/api/inngest", appName: "spy", functions: [] }],
  ["POST", "/v0/gql", { query: '{ run(runID: "x") { status } }' }],
  ["GET", "/runs"],
  ["GET", "/runs/00000000-0000-0000-0000-000000000000"],
  ["POST", "/v1/checkpoint/00000000-0000-0000-0000-000000000000/async", { steps: [] }],
  [
    "POST",
    "/v1/checkpoint",
    { run_id: "01AUTH", event: { name: "inngest/http.request", data: {} } },
  ],
  ["POST", "/v1/checkpoint/00000000-0000-0000-0000-000000000000/steps", { steps: [] }],
  ["GET", "/v0/runs/00000000-0000-0000-0000-000000000000/actions"],
  ["GET", "/v0/runs/00000000-0000-0000-0000-000000000000/batch"],
  [
    "POST",
    "/v1/runs/00000000-0000-0000-0000-000000000000/metadata",
    {
      target: { run_id: "00000000-0000-0000-0000-000000000000" },
      metadata: [{ kind: "inngest.score", op: "merge", values: { s: { value: 1 } } }],
    },
  ],
];

// The same checks whichever way a request comes: over HTTP, or in-process from an Inngest
// client in the engine's own process (in-process-fetch.ts; the network is never used then).
const transports = ["http", "in-process"] as const;

describe.each(transports)("the executor's API with keys (%s)", (transport) => {
  const suite = engineSuite({ signingKey: SIGNING_KEY, eventKey: EVENT_KEY });
  const send: typeof fetch =
    transport === "http"
      ? (input, init) => fetch(input, init)
      : inProcessFetch(
          () => suite.engine.api,
          () => Promise.reject(new Error("an in-process request went to the network")),
        );

  const call = (method: string, path: string, body?: unknown, authorization?: string) =>
    send(`${suite.engine.url}${path}`, {
      method,
      headers: {
        "content-type": "application/json",
        ...(authorization ? { authorization } : {}),
      },
      body: body === undefined ? undefined : JSON.stringify(body),
    });

  it.each(routes)(
    "answers %s %s with 401 without the hashed signing key",
    async (method, path, body) => {
      for (const authorization of [
        undefined,
        "Bearer nope",
        // The raw key is not the credential: only its hash is ever sent.
        `Bearer ${SIGNING_KEY}`,
        hashSigningKey(SIGNING_KEY),
      ]) {
        const res = await call(method, path, body, authorization);
        expect(res.status, `${method} ${path} with ${authorization}`).toBe(401);
      }
    },
  );

  it.each(routes)(
    "lets a bearer of the hashed signing key call %s %s",
    async (method, path, body) => {
      const res = await call(method, path, body, BEARER);
      expect(res.status).not.toBe(401);
    },
  );

  it("registers nothing for an unauthenticated /fn/register (no spy function)", async () => {
    await call("POST", "/fn/register", {
      url: "http://spy.test/api/inngest",
      appName: "spy-app",
      functions: [
        { id: "spy-app-x", name: "x", triggers: [{ event: "workflow/run.requested" }], steps: {} },
      ],
    });
    const rows = await suite.engine.sql.query(
      "select id from engine.functions where app_id = 'spy-app'",
    );
    expect(rows).toEqual([]);
  });

  it("keeps GET /health open", async () => {
    const res = await call("GET", "/health");
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ status: "ok" });
  });

  it("takes events only with its event key, and stores none sent with another", async () => {
    const wrong = await call("POST", "/e/not-the-key", [{ name: "test/forged", data: {} }]);
    expect(wrong.status).toBe(401);
    const anyKey = await call("POST", "/e/NO_EVENT_KEY_SET", [{ name: "test/forged", data: {} }]);
    expect(anyKey.status).toBe(401);
    const forged = await suite.engine.sql.query(
      "select id from engine.events where name = 'test/forged'",
    );
    expect(forged).toEqual([]);
    const right = await call("POST", `/e/${EVENT_KEY}`, [{ name: "test/real", data: {} }]);
    expect(right.status).toBe(200);
    expect((await right.json()).ids).toHaveLength(1);
  });

  it("registers an SDK app in cloud mode out of band with the bearer the SDK sends", async () => {
    const client = new Inngest({
      id: "keyed-app",
      isDev: false,
      baseUrl: suite.engine.url,
      fetch: send,
      signingKey: SIGNING_KEY,
      eventKey: EVENT_KEY,
      logger: { info() {}, warn() {}, error() {}, debug() {} },
    });
    const fn = client.createFunction(
      { id: "hello", triggers: [{ event: "x/hello" }] },
      async () => "hi",
    );
    const handler = toFetch(serve({ client, functions: [fn], serveOrigin: "http://keyed.test" }));
    // A plain PUT makes the SDK post its config to /fn/register itself.
    const res = await handler(new Request("http://keyed.test/api/inngest", { method: "PUT" }));
    expect(res.status).toBe(200);
    const rows = await suite.engine.sql.query(
      "select id from engine.functions where app_id = 'keyed-app'",
    );
    expect(rows).toEqual([{ id: "keyed-app-hello" }]);

    const impostor = new Inngest({
      id: "impostor",
      isDev: false,
      baseUrl: suite.engine.url,
      fetch: send,
      signingKey: "signkey-prod-ffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff",
      eventKey: EVENT_KEY,
      logger: { info() {}, warn() {}, error() {}, debug() {} },
    });
    const other = impostor.createFunction(
      { id: "spy", triggers: [{ event: "x/y" }] },
      async () => "spy",
    );
    // The SDK reports the engine's refusal in its answer; what counts is what was stored.
    await toFetch(
      serve({ client: impostor, functions: [other], serveOrigin: "http://impostor.test" }),
    )(new Request("http://impostor.test/api/inngest", { method: "PUT" }));
    const spies = await suite.engine.sql.query(
      "select id from engine.functions where app_id = 'impostor'",
    );
    expect(spies).toEqual([]);
  });
});

describe("npm run engine", () => {
  it("refuses to listen on a public host without keys, and says why", async () => {
    const child = spawnTs("inngest/local/cli.ts", ["--host", "0.0.0.0", "--port", "0"], {
      INNGEST_SIGNING_KEY: "",
      INNGEST_EVENT_KEY: "",
      DATABASE_URL: "",
    });
    expect(await child.exited).toBe(1);
    expect(child.output()).toContain("Refusing to listen on 0.0.0.0 without keys");
  });

  it("says in --help what keys protect", async () => {
    const child = spawnTs("inngest/local/cli.ts", ["--help"], {});
    expect(await child.exited).toBe(0);
    expect(child.output()).toContain("Authorization: Bearer <hashed signing");
    expect(child.output()).toContain("is refused without both keys");
  });
});
