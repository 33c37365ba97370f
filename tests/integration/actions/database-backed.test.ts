// Everything that needs the database, on both drivers (one database per driver for the
// whole file, to keep the suite fast): the secrets store with owner isolation, store.get /
// store.set and chat.post through the app's services.
import { randomBytes } from "node:crypto";
import { eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { chatPost } from "@/lib/actions/chat-post";
import type { ActionContext } from "@/lib/actions/runtime/context";
import { storeGet } from "@/lib/actions/store-get";
import { storeSet } from "@/lib/actions/store-set";
import { messages, threads, users, workflows } from "@/lib/db/schema";
import { createNetworkPolicy } from "@/lib/net/policy";
import { createTestDatabase, drivers, type TestDatabase } from "../../helpers/database";
import { useDatabaseForQueries } from "../../helpers/queries";
import { actionError } from "./helpers";

describe.each(drivers)("database-backed actions on %s", (driver) => {
  let database: TestDatabase;
  let server: typeof import("@/inngest/functions/action-context");
  let owner: { userId: string; threadId: string; workflowId: string };
  let other: { userId: string; threadId: string; workflowId: string };

  async function seed(email: string) {
    const [user] = await database.db.insert(users).values({ email }).returning();
    const [thread] = await database.db.insert(threads).values({ userId: user.id }).returning();
    const [workflow] = await database.db
      .insert(workflows)
      .values({ userId: user.id, threadId: thread.id, title: "Digest" })
      .returning();
    return { userId: user.id, threadId: thread.id, workflowId: workflow.id };
  }

  const context = (
    who: { userId: string; threadId?: string; workflowId: string },
    extra: { runId?: string; unitId?: string } = {},
  ): Promise<ActionContext> =>
    server.createServerActionContext({
      runId: extra.runId ?? "11111111-1111-4111-8111-111111111111",
      workflowId: who.workflowId,
      userId: who.userId,
      threadId: who.threadId,
      stepId: "post",
      unitId: extra.unitId,
      secrets: { API_TOKEN: "tok-9f8e7d6c5b4a" },
      network: createNetworkPolicy(),
    });

  beforeAll(async () => {
    database = await createTestDatabase(driver);
    await useDatabaseForQueries(database);
    server = await import("@/inngest/functions/action-context");
    owner = await seed(`owner-${driver}@example.com`);
    other = await seed(`other-${driver}@example.com`);
  });
  afterAll(async () => {
    await database?.drop();
  });

  describe("secrets store", () => {
    let store: typeof import("@/lib/secrets/store");
    let alice: string;
    let bob: string;
    const key = randomBytes(32);

    beforeAll(async () => {
      store = await import("@/lib/secrets/store");
      const rows = await database.db
        .insert(users)
        .values([{ email: `alice-${driver}@example.com` }, { email: `bob-${driver}@example.com` }])
        .returning();
      [alice, bob] = rows.map((row) => row.id);
    });

    it("saves, lists names only, and loads values for their owner", async () => {
      const saved = await store.saveSecret({
        userId: alice,
        name: "SLACK_WEBHOOK",
        value: "https://hooks.example/abc",
        key,
      });
      expect(saved).toMatchObject({ name: "SLACK_WEBHOOK", created: true });
      await store.saveSecret({ userId: alice, name: "API_TOKEN", value: "tok-alice", key });
      const listed = await store.listSecrets({ userId: alice });
      expect(listed.map((s) => s.name)).toEqual(["API_TOKEN", "SLACK_WEBHOOK"]);
      expect(JSON.stringify(listed)).not.toContain("tok-alice");
      expect(await store.loadSecrets({ userId: alice, key })).toEqual({
        API_TOKEN: "tok-alice",
        SLACK_WEBHOOK: "https://hooks.example/abc",
      });
      expect(
        await store.loadSecrets({ userId: alice, names: ["API_TOKEN", "MISSING"], key }),
      ).toEqual({
        API_TOKEN: "tok-alice",
      });
    });

    it("keeps only ciphertext in the database", async () => {
      const client = database.client;
      const rows =
        client.kind === "pglite"
          ? (await client.pglite.query<{ ciphertext: string }>("select ciphertext from secrets"))
              .rows
          : await client.sql<{ ciphertext: string }[]>`select ciphertext from secrets`;
      expect(rows.length).toBeGreaterThan(0);
      for (const row of rows) expect(row.ciphertext).not.toMatch(/tok-alice|hooks\.example/);
    });

    it("replaces a value under the same name", async () => {
      const replaced = await store.saveSecret({
        userId: alice,
        name: "API_TOKEN",
        value: "tok-2",
        key,
      });
      expect(replaced.created).toBe(false);
      expect(
        (await store.loadSecrets({ userId: alice, names: ["API_TOKEN"], key })).API_TOKEN,
      ).toBe("tok-2");
    });

    it("keeps each person's secrets apart", async () => {
      await store.saveSecret({ userId: bob, name: "API_TOKEN", value: "tok-bob", key });
      expect(await store.loadSecrets({ userId: bob, key })).toEqual({ API_TOKEN: "tok-bob" });
      expect((await store.listSecrets({ userId: bob })).map((s) => s.name)).toEqual(["API_TOKEN"]);
      await expect(
        store.deleteSecret({ userId: bob, name: "SLACK_WEBHOOK" }),
      ).rejects.toMatchObject({
        status: 404,
      });
      expect((await store.listSecrets({ userId: alice })).map((s) => s.name)).toContain(
        "SLACK_WEBHOOK",
      );
    });

    it("reads a person's secrets once per call of the interpreter, each person their own", async () => {
      const rows = await database.db
        .insert(users)
        .values([{ email: `carol-${driver}@example.com` }, { email: `dave-${driver}@example.com` }])
        .returning();
      const [carol, dave] = rows.map((row) => row.id);
      await store.saveSecret({ userId: carol, name: "CALL_TOKEN", value: "first" });
      const shared = new Map<string, Promise<unknown>>();
      const unit = (userId: string, call = shared) =>
        server.serverContextFactory({
          runId: "22222222-2222-4222-8222-222222222222",
          workflowId: owner.workflowId,
          userId,
          stepId: "s",
          unitId: "s",
          attempt: 1,
          shared: call,
        });
      expect((await unit(carol)).secrets).toEqual({ CALL_TOKEN: "first" });
      await store.saveSecret({ userId: carol, name: "CALL_TOKEN", value: "second" });
      // The same call: what it read at its first unit. The next call reads them again.
      expect((await unit(carol)).secrets).toEqual({ CALL_TOKEN: "first" });
      expect((await unit(carol, new Map())).secrets).toEqual({ CALL_TOKEN: "second" });
      expect((await unit(dave)).secrets).toEqual({});
      const { context } = await unit(carol);
      expect(context.redactor.text("token first")).not.toContain("first");
    });

    it("deletes a secret", async () => {
      await store.deleteSecret({ userId: alice, name: "SLACK_WEBHOOK" });
      expect((await store.listSecrets({ userId: alice })).map((s) => s.name)).toEqual([
        "API_TOKEN",
      ]);
    });

    it("validates names and values", async () => {
      await expect(
        store.saveSecret({ userId: alice, name: "lower", value: "x", key }),
      ).rejects.toThrow(/capital letters/);
      await expect(
        store.saveSecret({ userId: alice, name: "OK_NAME", value: "", key }),
      ).rejects.toThrow(/needs a value/);
    });

    it("says which secret no longer decrypts with the current key", async () => {
      await expect(store.loadSecrets({ userId: alice, key: randomBytes(32) })).rejects.toThrow(
        "The secret API_TOKEN could not be decrypted: it was saved with another SECRETS_KEY or altered. Save it again in Settings.",
      );
    });
  });

  describe("store", () => {
    it("returns the default for a key never set, then what was saved", async () => {
      const ctx = await context(owner);
      expect(await storeGet.run!({ key: "seen-ids", default: [] }, ctx)).toEqual({
        value: [],
        found: false,
      });
      expect(await storeSet.run!({ key: "seen-ids", value: [1, 2, { id: "x" }] }, ctx)).toEqual({
        ok: true,
      });
      expect(await storeGet.run!({ key: "seen-ids" }, ctx)).toEqual({
        value: [1, 2, { id: "x" }],
        found: true,
      });
      await storeSet.run!({ key: "seen-ids", value: "replaced" }, ctx);
      expect((await storeGet.run!({ key: "seen-ids" }, ctx)) as { value: unknown }).toMatchObject({
        value: "replaced",
      });
    });

    it("keeps each workflow's store apart", async () => {
      const mine = await context(owner);
      const theirs = await context(other);
      await storeSet.run!({ key: "cursor", value: 42 }, mine);
      expect(await storeGet.run!({ key: "cursor" }, theirs)).toEqual({ value: null, found: false });
    });

    it("forgets a value after its ttl", async () => {
      const ctx = await context(owner);
      await storeSet.run!({ key: "short", value: true, ttl: "1s" }, ctx);
      expect((await storeGet.run!({ key: "short" }, ctx)) as { found: boolean }).toMatchObject({
        found: true,
      });
      await new Promise((resolve) => setTimeout(resolve, 1_100));
      expect((await storeGet.run!({ key: "short" }, ctx)) as { found: boolean }).toMatchObject({
        found: false,
      });
    });

    it("refuses values over 64 KB and keys over 200 characters, without retrying", async () => {
      const ctx = await context(owner);
      const big = await actionError(storeSet.run!({ key: "big", value: "x".repeat(70_000) }, ctx));
      expect(big.message).toBe(
        'store.set: the value for "big" is 69 KB; values are limited to 64 KB',
      );
      expect(big.retriable).toBe(false);
      const longKey = await actionError(storeSet.run!({ key: "k".repeat(201), value: 1 }, ctx));
      expect(longKey.code).toBe("limit");
    });

    it("refuses a new key beyond the per-workflow limit", async () => {
      const store = server.createDbWorkflowStore(other.workflowId);
      const { setStoreEntry } = await import("@/lib/db/store-queries");
      for (let i = 0; i < 3; i++) {
        expect(
          await setStoreEntry({
            workflowId: other.workflowId,
            key: `k${i}`,
            value: i,
            size: 1,
            maxKeys: 3,
          }),
        ).toEqual({ ok: true });
      }
      expect(
        await setStoreEntry({
          workflowId: other.workflowId,
          key: "k9",
          value: 9,
          size: 1,
          maxKeys: 3,
        }),
      ).toEqual({ ok: false, reason: "too_many_keys", keys: 3 });
      // Replacing an existing key is always fine.
      expect(
        await setStoreEntry({
          workflowId: other.workflowId,
          key: "k0",
          value: 0,
          size: 1,
          maxKeys: 3,
        }),
      ).toEqual({ ok: true });
      await store.set("k0", "still fine");
      expect(await store.get("k0")).toEqual({ found: true, value: "still fine" });
    });
  });

  describe("chat.post", () => {
    it("appends an assistant message with a markdown text part to the workflow's thread", async () => {
      const ctx = await context(owner, { runId: "22222222-2222-4222-8222-222222222222" });
      const result = (await chatPost.run!({ text: "**3 incidents** open" }, ctx)) as {
        messageId: string;
      };
      expect(result.messageId).toBe("run_22222222-2222-4222-8222-222222222222_post");
      const [row] = await database.db
        .select()
        .from(messages)
        .where(eq(messages.id, result.messageId));
      expect(row).toMatchObject({
        threadId: owner.threadId,
        role: "assistant",
        parts: [{ type: "text", text: "**3 incidents** open" }],
      });
      expect(row.metadata).toMatchObject({ workflowRun: { stepId: "post" } });
    });

    it("posts once when a step is retried", async () => {
      const ctx = await context(owner, { runId: "33333333-3333-4333-8333-333333333333" });
      await chatPost.run!({ text: "once" }, ctx);
      await chatPost.run!({ text: "once" }, ctx);
      const rows = await database.db
        .select()
        .from(messages)
        .where(eq(messages.id, "run_33333333-3333-4333-8333-333333333333_post"));
      expect(rows).toHaveLength(1);
    });

    it("will not post into another person's thread", async () => {
      const ctx = await context({ ...owner, threadId: other.threadId });
      const error = await actionError(chatPost.run!({ text: "hi" }, ctx));
      expect(error.message).toBe("chat.post: the workflow's chat thread no longer exists");
      expect(error.retriable).toBe(false);
    });

    it("needs a thread", async () => {
      const ctx = await context({ userId: owner.userId, workflowId: owner.workflowId });
      const error = await actionError(chatPost.run!({ text: "hi" }, ctx));
      expect(error.message).toBe("chat.post: this workflow has no chat thread to post into");
    });

    it("never writes a secret value into the thread", async () => {
      const ctx = await context(owner, { runId: "44444444-4444-4444-8444-444444444444" });
      await chatPost.run!({ text: "token is tok-9f8e7d6c5b4a, keep it" }, ctx);
      const [row] = await database.db
        .select()
        .from(messages)
        .where(eq(messages.id, "run_44444444-4444-4444-8444-444444444444_post"));
      expect(row.parts).toEqual([{ type: "text", text: "token is [secret:API_TOKEN], keep it" }]);
    });
  });
});
