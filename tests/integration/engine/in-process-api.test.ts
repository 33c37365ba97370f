// The app's Inngest client calling the executor in its own process (in-process-fetch.ts): a
// real SDK app runs its steps with every event and checkpoint handed to the API's handler
// directly (none over the network), and the handler's limits hold there too. Anything not
// for the executor's URL, or not a plain request, still goes to the network.
import { describe, expect, it } from "vitest";
import { inProcessFetch } from "@/inngest/local/in-process-fetch";
import { hashSigningKey } from "@/inngest/local/protocol/signing";
import { createTestApp } from "@/tests/fixtures/inngest-app/app";
import { engineSuite } from "./harness";

const SIGNING_KEY = "signkey-prod-a0112233445566778899aabbccddeeff00112233445566778899aabbccddee";
const BEARER = `Bearer ${hashSigningKey(SIGNING_KEY)}`;

describe("the executor's API in-process", () => {
  const suite = engineSuite({ signingKey: SIGNING_KEY, eventKey: "test-event-key" });

  function recordingNetwork() {
    const seen: string[] = [];
    const network = (input: string | URL | Request, init?: RequestInit) => {
      seen.push(typeof input === "string" ? input : input instanceof URL ? input.href : input.url);
      return fetch(input, init);
    };
    return { seen, network };
  }

  it("runs a real SDK app's steps with its checkpoints handed over in-process", async () => {
    const { seen, network } = recordingNetwork();
    const app = await createTestApp({
      engineUrl: suite.engine.url as string,
      signingKey: SIGNING_KEY,
      id: "in-process",
      fetch: inProcessFetch(() => suite.engine.api, network),
    });
    try {
      await suite.engine.sync({ url: app.url, fetch: app.fetch });
      const { ids } = await app.client.send({ name: "test/steps", data: { key: "k" } });
      let runId: string | undefined;
      await expect
        .poll(async () => {
          runId = (await suite.engine.listRuns({ eventId: ids[0] }))[0]?.id;
          return runId;
        })
        .toBeDefined();
      const run = await suite.engine.waitForRun(runId as string);
      expect(run.status).toBe("completed");
      expect(run.output).toEqual({ sum: 3, key: "k" });
      expect(run.steps.map((s) => s.status)).toEqual(["completed", "completed"]);
      expect(seen).toEqual([]);
    } finally {
      await app.close();
    }
  });

  it("sends to the network what is not for the executor, or not a plain request", async () => {
    const { seen, network } = recordingNetwork();
    const local = inProcessFetch(() => suite.engine.api, network);
    const health = await local(`${suite.engine.url}/health`);
    expect(await health.json()).toEqual({ status: "ok" });
    expect(seen).toEqual([]);

    // Another origin; a Request object; a body that is not text: all over the network.
    await local("http://127.0.0.1:9/health").catch(() => {});
    await local(new Request(`${suite.engine.url}/health`));
    await local(`${suite.engine.url}/v0/gql`, {
      method: "POST",
      body: new Blob(["{}"]),
      headers: { authorization: BEARER },
    });
    expect(seen).toEqual([
      "http://127.0.0.1:9/health",
      `${suite.engine.url}/health`,
      `${suite.engine.url}/v0/gql`,
    ]);

    // Not serving (stopped, or not started yet): the network, as before.
    const idle = inProcessFetch(() => undefined, network);
    await idle(`${suite.engine.url}/health`);
    expect(seen).toHaveLength(4);
  });

  it("keeps the API's answers for a forged, oversized or malformed request", async () => {
    const local = inProcessFetch(
      () => suite.engine.api,
      () => Promise.reject(new Error("went to the network")),
    );
    const checkpoint = `${suite.engine.url}/v1/checkpoint/01NOPE/async`;
    const forged = await local(checkpoint, {
      method: "POST",
      body: JSON.stringify({ steps: [] }),
      headers: { Authorization: "Bearer forged" },
    });
    expect(forged.status).toBe(401);
    const anonymous = await local(checkpoint, { method: "POST", body: "{}" });
    expect(anonymous.status).toBe(401);
    const malformed = await local(checkpoint, {
      method: "POST",
      body: "{not json",
      headers: { Authorization: BEARER },
    });
    expect(malformed.status).toBe(400);
    const oversized = await local(checkpoint, {
      method: "POST",
      body: JSON.stringify({ steps: [], pad: "x".repeat(10 * 1024 * 1024) }),
      headers: { Authorization: BEARER },
    });
    expect(oversized.status).toBe(413);
    const stale = await local(checkpoint, {
      method: "POST",
      body: JSON.stringify({ steps: [] }),
      headers: new Headers({ Authorization: BEARER }),
    });
    expect(stale.status).toBe(409);
    const wrongKey = await local(`${suite.engine.url}/e/wrong`, {
      method: "POST",
      body: JSON.stringify([{ name: "test/forged" }]),
    });
    expect(wrongKey.status).toBe(401);
    const aborted = new AbortController();
    aborted.abort();
    await expect(
      local(`${suite.engine.url}/health`, { signal: aborted.signal }),
    ).rejects.toBeDefined();
  });
});
