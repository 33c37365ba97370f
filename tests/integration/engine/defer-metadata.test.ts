// Contract tests for `defer()` and run metadata against the real SDK (inngest 4's serve()):
// a deferred run starts once its parent ends (completed or failed) with the defer's data and
// its parent named, an aborted defer never starts, a re-entered defer starts once; scores sent
// on a step's op or through POST /v1/runs/:id/metadata merge into the run's and the step's
// metadata, shown on the GraphQL trace. PGlite in-process and PostgreSQL over HTTP.
import { afterAll, beforeAll, describe, type ExpectStatic, expect, it } from "vitest";
import { stepHash } from "@/inngest/local/run-metadata";
import { MAX_METADATA_ENTRIES_PER_RUN } from "@/inngest/local/sql/merge-run-metadata";
import { createTestApp } from "@/tests/fixtures/inngest-app/app";
import { createDeferFunctions } from "@/tests/fixtures/inngest-app/defer-functions";
import { createHarness, type Harness } from "./harness";

const setups = [
  { driver: "pglite", http: false },
  { driver: "postgres", http: true },
] as const;

let seq = 0;
const uniq = (p: string) => `${p}-${++seq}-${Math.random().toString(36).slice(2, 8)}`;

type Span = {
  name: string;
  stepID: string | null;
  metadata: { scope: string; kind: string; values: Record<string, unknown>; updatedAt: string }[];
  childrenSpans: Span[];
};

describe.each(setups)("defer and run metadata on $driver (http: $http)", ({ driver, http }) => {
  let h: Harness;
  beforeAll(async () => {
    h = await createHarness(driver, { http, app: { id: "dfr", functions: createDeferFunctions } });
  });
  afterAll(async () => {
    await h?.close();
  });

  /** The `inngest/deferred.schedule` events a parent run emitted, oldest first. */
  const scheduledBy = (runId: string) =>
    h.engine.sql.query<{ payload: { data: Record<string, unknown> } }>(
      `select payload from engine.events
       where name = 'inngest/deferred.schedule' and payload -> 'data' -> '_inngest' ->> 'parent_run_id' = $1
       order by id`,
      [runId],
    );
  const notifyRunOf = async (expect: ExpectStatic, tag: string) => {
    await expect.poll(() => h.app.tracker.count(`notify:${tag}`), { timeout: 10_000 }).toBe(1);
    return h.app.tracker.values.get(`notify:${tag}`) as {
      data: Record<string, unknown>;
      parents: { fnSlug: string; runId: string }[];
    };
  };
  const post = (path: string, body: unknown, raw?: string) =>
    fetch(`${h.engine.url}${path}`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: raw ?? JSON.stringify(body),
    });
  async function trace(runId: string): Promise<Span> {
    const res = await post("/v0/gql", {
      query: `fragment F on RunTraceSpan { name stepID metadata { scope kind values updatedAt } }
        query ($id: String!) { run(runID: $id) { trace(preview: true) { ...F childrenSpans { ...F } } } }`,
      variables: { id: runId },
    });
    expect(res.status).toBe(200);
    return (await res.json()).data.run.trace;
  }

  describe.concurrent("defer", () => {
    it("starts the deferred run once the parent completes, with its data and parent", async ({
      expect,
    }) => {
      const tag = uniq("end");
      const runId = await h.runFor(await h.send("defer/parent", { tag }), "parent");
      expect((await h.engine.waitForRun(runId)).status).toBe("completed");
      const seen = await notifyRunOf(expect, tag);
      // `_inngest` is the SDK's to strip: the handler sees the defer's data alone.
      expect(seen.data).toEqual({ tag, note: "done" });
      expect(seen.parents).toEqual([{ fnSlug: `${h.app.id}-parent`, runId }]);
      const events = await scheduledBy(runId);
      expect(events).toHaveLength(1);
      expect(events[0].payload.data._inngest).toEqual({
        fn_slug: `${h.app.id}-notify`,
        parent_fn_slug: `${h.app.id}-parent`,
        parent_run_id: runId,
      });
    });

    it("starts it after a parent that fails, too", async ({ expect }) => {
      const tag = uniq("throw");
      const runId = await h.runFor(await h.send("defer/throw", { tag }), "throwing");
      const run = await h.engine.waitForRun(runId);
      expect(run.status).toBe("failed");
      expect((run.error as { message?: string }).message).toBe("the parent failed after deferring");
      await notifyRunOf(expect, tag);
      expect(await scheduledBy(runId)).toHaveLength(1);
    });

    it("never starts an aborted defer; its sibling still starts", async ({ expect }) => {
      const tag = uniq("abort");
      const runId = await h.runFor(await h.send("defer/abort", { tag }), "aborting");
      expect((await h.engine.waitForRun(runId)).status).toBe("completed");
      await notifyRunOf(expect, `${tag}:kept`);
      // Defers start in the transaction that ends the parent: what it emitted is final.
      const events = await scheduledBy(runId);
      expect(events.map((e) => e.payload.data.tag)).toEqual([`${tag}:kept`]);
      expect(h.app.tracker.count(`notify:${tag}:dropped`)).toBe(0);
      const rows = await h.engine.sql.query<{ aborted: boolean; scheduled: boolean }>(
        `select aborted, scheduled_at is not null as scheduled from engine.defers
         where run_id = $1 order by aborted`,
        [runId],
      );
      expect(rows).toEqual([
        { aborted: false, scheduled: true },
        { aborted: true, scheduled: false },
      ]);
    });

    it("starts a defer the parent met again on replay once", async ({ expect }) => {
      const tag = uniq("replay");
      const runId = await h.runFor(await h.send("defer/reenter", { tag }), "reentered");
      expect((await h.engine.waitForRun(runId)).status).toBe("completed");
      await notifyRunOf(expect, tag);
      expect(await scheduledBy(runId)).toHaveLength(1);
      expect(h.app.tracker.count(`notify:${tag}`)).toBe(1);
    });
  });

  describe("run metadata", () => {
    let runId: string;
    beforeAll(async () => {
      runId = await h.runFor(await h.send("meta/scored", {}), "scored");
      expect((await h.engine.waitForRun(runId)).status).toBe("completed");
    });

    it("keeps scores sent on a step's op: the step's on its span, the run's on the root", async () => {
      const root = await trace(runId);
      expect(root.metadata).toEqual([
        {
          scope: "run",
          kind: "inngest.score",
          values: { overall: { value: true } },
          updatedAt: expect.any(String),
        },
      ]);
      const answer = root.childrenSpans.find((s) => s.name === "answer");
      expect(answer?.stepID).toBe(stepHash("answer"));
      expect(answer?.metadata).toEqual([
        expect.objectContaining({
          scope: "step",
          kind: "inngest.score",
          values: { quality: { value: 0.75 } },
        }),
      ]);
      const second = root.childrenSpans.find((s) => s.name === "second");
      expect(second?.metadata.map((m) => m.values)).toEqual([{ quality: { value: 1 } }]);
    });

    it("merges updates posted to /v1/runs/:id/metadata into the target's entry", async () => {
      const score = (target: Record<string, unknown>, values: Record<string, unknown>) =>
        post(`/v1/runs/${runId}/metadata`, {
          target: { run_id: runId, ...target },
          metadata: [{ kind: "inngest.score", op: "merge", values }],
        });
      expect(
        (await score({ step_id: "answer" }, { quality: { value: 0.9 }, extra: { value: 3 } }))
          .status,
      ).toBe(200);
      expect((await score({}, { later: { value: false } })).status).toBe(200);
      // A step that does not exist: accepted, and shown nowhere.
      expect((await score({ step_id: "nope" }, { orphan: { value: 1 } })).status).toBe(200);
      const root = await trace(runId);
      expect(root.metadata.map((m) => m.values)).toEqual([
        { overall: { value: true }, later: { value: false } },
      ]);
      const answer = root.childrenSpans.find((s) => s.name === "answer");
      expect(answer?.metadata.map((m) => m.values)).toEqual([
        { quality: { value: 0.9 }, extra: { value: 3 } },
      ]);
      expect(JSON.stringify(root)).not.toContain("orphan");
    });

    it("refuses malformed, misdirected and oversized updates, and unknown runs", async () => {
      const path = `/v1/runs/${runId}/metadata`;
      const ok = { kind: "userland.notes", op: "merge", values: { a: 1 } };
      const cases: [unknown, number][] = [
        [null, 400],
        [{ target: { run_id: runId }, metadata: [] }, 400],
        [{ target: { run_id: "someone-else" }, metadata: [ok] }, 400],
        [{ target: { run_id: runId }, metadata: [{ ...ok, kind: "nope" }] }, 400],
        [{ target: { run_id: runId }, metadata: [{ ...ok, op: "replace" }] }, 400],
        [{ target: { run_id: runId }, metadata: [{ ...ok, values: [1] }] }, 400],
        [{ target: { run_id: runId, step_id: "x", step_index: -1 }, metadata: [ok] }, 400],
        [
          { target: { run_id: runId }, metadata: [{ ...ok, values: { big: "x".repeat(70_000) } }] },
          400,
        ],
      ];
      for (const [body, status] of cases) {
        const res = await post(path, body);
        expect(res.status, JSON.stringify(body).slice(0, 80)).toBe(status);
      }
      expect((await post(path, undefined, "{not json")).status).toBe(400);
      expect(
        (await post(path, undefined, JSON.stringify({ pad: "x".repeat(300_000) }))).status,
      ).toBe(413);
      const unknown = await post("/v1/runs/01NOSUCHRUN0000000000000000/metadata", {
        target: { run_id: "01NOSUCHRUN0000000000000000" },
        metadata: [ok],
      });
      expect(unknown.status).toBe(404);
      // Nothing of the refused updates was kept.
      const root = await trace(runId);
      expect(root.metadata.map((m) => m.kind)).toEqual(["inngest.score"]);
    });

    it("answers the API routes of features it does not serve with 501, naming them", async () => {
      for (const [path, feature] of [
        ["/v1/realtime/publish", "Realtime"],
        ["/v1/signals", "Signals"],
        ["/v0/connect/flush", "Connect"],
      ]) {
        const res = await post(path, {});
        expect(res.status, path).toBe(501);
        expect((await res.json()).error).toContain(feature);
      }
    });

    it("caps the distinct entries a run may hold", async () => {
      const other = await h.runFor(await h.send("defer/parent", { tag: uniq("cap") }), "parent");
      await h.engine.waitForRun(other);
      const send = (i: number) =>
        post(`/v1/runs/${other}/metadata`, {
          target: { run_id: other, step_id: `s${i}` },
          metadata: [{ kind: "userland.n", op: "merge", values: { i } }],
        });
      for (let i = 0; i < MAX_METADATA_ENTRIES_PER_RUN; i++)
        expect((await send(i)).status).toBe(200);
      expect((await send(MAX_METADATA_ENTRIES_PER_RUN)).status).toBe(400);
      // An entry the run already holds still takes updates.
      expect((await send(0)).status).toBe(200);
    });
  });
  it("tells the SDK the defers it has, so a replayed defer() is not sent again; traces calls", async () => {
    // A second app on the same engine (its own URL), reached through a fetch that records
    // every call.
    const app = await createTestApp({
      engineUrl: h.engine.url as string,
      http: true,
      id: `wire-${driver}`,
      functions: createDeferFunctions,
    });
    const calls: { runId: string; defers: unknown; answer: string; trace: string | null }[] = [];
    try {
      await h.engine.sync({
        url: app.url,
        fetch: async (request) => {
          const body = request.method === "POST" ? await request.clone().json() : undefined;
          const response = await app.fetch(request);
          if (body?.ctx) {
            calls.push({
              runId: body.ctx.run_id,
              defers: body.defers,
              answer: await response.clone().text(),
              trace: request.headers.get("traceparent"),
            });
          }
          return response;
        },
      });
      const { ids } = await app.client.send({ name: "defer/reenter", data: { tag: uniq("wire") } });
      let runId: string | undefined;
      await expect
        .poll(async () => {
          const runs = await h.engine.listRuns({
            eventId: ids[0],
            functionId: `${app.id}-reentered`,
          });
          runId = runs[0]?.id;
          return runId;
        })
        .toBeDefined();
      expect((await h.engine.waitForRun(runId as string)).status).toBe("completed");
      const [first, ...later] = calls.filter((c) => c.runId === runId);
      // The first call ships the add (beside the sleep); every later one is told of it and
      // ships none.
      expect(first.defers).toEqual({});
      expect(first.answer).toContain("DeferAdd");
      expect(later.length).toBeGreaterThan(0);
      for (const c of later) {
        expect(c.defers).toEqual({ [stepHash("notify")]: { abortable: true } });
        expect(c.answer).not.toContain("DeferAdd");
      }
      // Every call carries a W3C traceparent in the run's one trace (the SDK attributes AI
      // usage to a step only then), with a span of its own.
      const traces = [first, ...later].map((c) => c.trace ?? "");
      for (const t of traces) expect(t).toMatch(/^00-[0-9a-f]{32}-[0-9a-f]{16}-01$/);
      expect(new Set(traces.map((t) => t.split("-")[1])).size).toBe(1);
      expect(new Set(traces.map((t) => t.split("-")[2])).size).toBe(traces.length);
    } finally {
      await app.close();
    }
  });
});
