// The query layer on both drivers: ownership is enforced in every query.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { AppError } from "@/lib/errors";
import { createTestDatabase, drivers, type TestDatabase } from "../helpers/database";
import { useDatabaseForQueries } from "../helpers/queries";

describe.each(drivers)("queries on %s", (driver) => {
  let database: TestDatabase;
  let q: typeof import("@/lib/db/queries");

  beforeAll(async () => {
    database = await createTestDatabase(driver);
    q = await useDatabaseForQueries(database);
  });
  afterAll(async () => {
    await database?.drop();
  });

  async function person(name: string) {
    return q.createUser({ email: `${name}-${driver}@example.com`, passwordHash: "x" });
  }

  it("refuses a second account with the same email", async () => {
    await person("dup");
    await expect(person("dup")).rejects.toThrow("An account with this email already exists.");
  });

  it("keeps each person's threads to themselves", async () => {
    const ada = await person("ada");
    const bob = await person("bob");
    const id = crypto.randomUUID();
    await q.getOrCreateThread({ id, userId: ada.id, title: "Ada's plans" });

    expect(await q.getThread({ id, userId: ada.id })).toMatchObject({ title: "Ada's plans" });
    expect(await q.getThread({ id, userId: bob.id })).toBeUndefined();
    await expect(
      q.getOrCreateThread({ id, userId: bob.id, title: "hijack" }),
    ).rejects.toMatchObject({
      code: "not_found:thread",
    });
    await expect(q.renameThread({ id, userId: bob.id, title: "mine now" })).rejects.toBeInstanceOf(
      AppError,
    );
    await expect(q.deleteThread({ id, userId: bob.id })).rejects.toMatchObject({ status: 404 });
    expect((await q.listThreads({ userId: bob.id })).length).toBe(0);
    expect((await q.getThread({ id, userId: ada.id }))?.title).toBe("Ada's plans");
  });

  it("stores messages as parts, in order, and never overwrites another thread's message", async () => {
    const ada = await person("ada2");
    const mallory = await person("mallory");
    const adaThread = crypto.randomUUID();
    const malloryThread = crypto.randomUUID();
    await q.getOrCreateThread({ id: adaThread, userId: ada.id, title: "a" });
    await q.getOrCreateThread({ id: malloryThread, userId: mallory.id, title: "m" });
    const parts = [{ type: "text", text: "hello" }];
    await q.saveMessages({ threadId: adaThread, items: [{ id: "m1", role: "user", parts }] });
    await q.saveMessages({
      threadId: adaThread,
      items: [{ id: "m2", role: "assistant", parts: [{ type: "text", text: "hi" }] }],
    });
    // Same message id, different thread: must not touch Ada's message.
    await q.saveMessages({
      threadId: malloryThread,
      items: [{ id: "m1", role: "user", parts: [{ type: "text", text: "pwned" }] }],
    });
    const rows = await q.getMessages({ threadId: adaThread });
    expect(rows.map((r) => [r.id, r.parts])).toEqual([
      ["m1", parts],
      ["m2", [{ type: "text", text: "hi" }]],
    ]);
    expect(await q.getMessages({ threadId: malloryThread })).toEqual([]);

    // Regenerate deletes the model's reply only: never the person's words, never from another thread.
    expect(await q.deleteModelReply({ threadId: malloryThread, messageId: "m2" })).toBe(false);
    expect(await q.deleteModelReply({ threadId: adaThread, messageId: "m1" })).toBe(false);
    expect(await q.deleteModelReply({ threadId: adaThread, messageId: "m2" })).toBe(true);
    expect((await q.getMessages({ threadId: adaThread })).map((r) => r.id)).toEqual(["m1"]);
  });

  it("links a GitHub identity to the account with the same email", async () => {
    const ada = await person("gh");
    const linked = await q.upsertOAuthUser({
      provider: "github",
      providerAccountId: "42",
      email: `gh-${driver}@example.com`,
    });
    expect(linked.id).toBe(ada.id);
    const again = await q.upsertOAuthUser({
      provider: "github",
      providerAccountId: "42",
      email: "changed@example.com",
    });
    expect(again.id).toBe(ada.id);
  });
});
