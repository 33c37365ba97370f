// GET /api/threads/:id/messages pages a thread newest first, and PUT /api/workflows/:id/notify
// changes a workflow's notify setting: both for their owner only, with clear 4xx otherwise.
import { beforeEach, describe, expect, it, vi } from "vitest";
import { drivers } from "../../helpers/database";
import { queriesDatabase } from "../../helpers/queries";

const session = vi.hoisted(() => ({ userId: undefined as string | undefined }));
vi.mock("@/app/(auth)/auth", () => ({ currentUserId: async () => session.userId }));

const ctx = (params: Record<string, string>) => ({ params: Promise.resolve(params) }) as never;

describe.each(drivers)("thread routes on %s", (driver) => {
  queriesDatabase(driver);
  let owner: string;
  let stranger: string;

  beforeEach(async () => {
    const q = await import("@/lib/db/queries");
    owner = (await q.createUser({ email: `${crypto.randomUUID()}@example.com`, passwordHash: "x" }))
      .id;
    stranger = (
      await q.createUser({ email: `${crypto.randomUUID()}@example.com`, passwordHash: "x" })
    ).id;
    session.userId = owner;
  });

  async function page(threadId: string, query = "") {
    const route = await import("@/app/api/threads/[id]/messages/route");
    const response = await route.GET(
      new Request(`http://app.test/api/threads/${threadId}/messages${query}`),
      ctx({ id: threadId }),
    );
    return { status: response.status, body: await response.json() };
  }

  /** A thread of `count` messages, many of them within the same millisecond (run posts). */
  async function threadOf(count: number) {
    const q = await import("@/lib/db/queries");
    const mq = await import("@/lib/db/message-queries");
    const threadId = crypto.randomUUID();
    await q.getOrCreateThread({ id: threadId, userId: owner, title: "Long" });
    const at = new Date();
    for (let i = 0; i < count; i++) {
      await mq.postWorkflowMessage({
        userId: owner,
        threadId,
        messageId: `${threadId.slice(0, 8)}-m${String(i).padStart(4, "0")}`,
        text: `post ${i}`,
        position: { at, micros: i * 3 },
      });
    }
    return threadId;
  }

  it("pages through the whole thread, newest page first, without gaps or repeats", async () => {
    const threadId = await threadOf(23);
    const seen: string[] = [];
    let query = "?limit=10";
    const sizes: number[] = [];
    for (;;) {
      const { status, body } = await page(threadId, query);
      expect(status).toBe(200);
      sizes.push(body.messages.length);
      seen.unshift(...body.messages.map((m: { id: string }) => m.id));
      if (!body.before) break;
      query = `?limit=10&before=${encodeURIComponent(body.before)}`;
    }
    expect(sizes).toEqual([10, 10, 3]);
    expect(seen).toEqual(
      Array.from(
        { length: 23 },
        (_, i) => `${threadId.slice(0, 8)}-m${String(i).padStart(4, "0")}`,
      ),
    );
  });

  it("answers the newest 50 by default, with the cursor of the page before", async () => {
    const threadId = await threadOf(52);
    const { body } = await page(threadId);
    expect(body.messages).toHaveLength(50);
    expect(body.messages[0].id).toBe(`${threadId.slice(0, 8)}-m0002`);
    expect(body.before).toEqual(expect.any(String));
  });

  it("refuses anonymous callers, other people, malformed cursors and limits", async () => {
    const threadId = await threadOf(2);
    session.userId = undefined;
    expect((await page(threadId)).status).toBe(401);
    session.userId = stranger;
    expect((await page(threadId)).status).toBe(404);
    expect((await page("not-a-uuid")).status).toBe(404);
    session.userId = owner;
    for (const query of [
      "?before=%%%",
      `?before=${Buffer.from("[1,2]").toString("base64url")}`,
      `?before=${Buffer.from('["2026-01-01","m1"]').toString("base64url")}`,
      `?before=${"A".repeat(500)}`,
      "?limit=0",
      "?limit=201",
      "?limit=abc",
    ]) {
      const refused = await page(threadId, query);
      expect(refused.status, query).toBe(400);
      expect(refused.body.error.code).toBe("bad_request:thread");
    }
  });

  describe("PUT /api/workflows/:id/notify", () => {
    async function put(workflowId: string, body: string, type = "application/json") {
      const route = await import("@/app/api/workflows/[id]/notify/route");
      const response = await route.PUT(
        new Request(`http://app.test/api/workflows/${workflowId}/notify`, {
          method: "PUT",
          headers: { "content-type": type },
          body,
        }),
        ctx({ id: workflowId }),
      );
      return { status: response.status, body: await response.json() };
    }

    it("sets the owner's workflow and refuses everyone and everything else", async () => {
      const wq = await import("@/lib/db/workflow-queries");
      const { workflow } = await wq.createWorkflow({
        userId: owner,
        title: "Digest",
        plan: { version: 1, title: "Digest", trigger: { type: "manual" }, steps: [] },
        author: "model",
      });
      expect(workflow.notify).toBe("failures");
      expect(await put(workflow.id, '{"notify":"always"}')).toEqual({
        status: 200,
        body: { notify: "always" },
      });
      expect((await put(workflow.id, '{"notify":"never"}')).status).toBe(400);
      expect((await put(workflow.id, '{"notify":"always","x":1}')).status).toBe(400);
      expect((await put(workflow.id, "{")).status).toBe(400);
      expect((await put(workflow.id, '{"notify":"always"}', "text/plain")).status).toBe(415);
      expect((await put(workflow.id, JSON.stringify({ notify: "x".repeat(5000) }))).status).toBe(
        413,
      );
      expect((await put("nope", '{"notify":"always"}')).status).toBe(404);
      session.userId = stranger;
      expect((await put(workflow.id, '{"notify":"failures"}')).status).toBe(404);
      session.userId = undefined;
      expect((await put(workflow.id, '{"notify":"failures"}')).status).toBe(401);
      expect((await wq.getWorkflow({ id: workflow.id, userId: owner }))?.notify).toBe("always");
    });
  });
});
