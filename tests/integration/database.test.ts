import { eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { threads, users } from "@/lib/db/schema";
import { createTestDatabase, drivers, type TestDatabase } from "../helpers/database";

describe.each(drivers)("database on %s", (driver) => {
  let database: TestDatabase;
  beforeAll(async () => {
    database = await createTestDatabase(driver);
  });
  afterAll(async () => {
    await database?.drop();
  });

  it("applies the migrations and stores rows with their owner", async () => {
    const [user] = await database.db
      .insert(users)
      .values({ email: `a-${driver}@example.com` })
      .returning();
    await database.db.insert(threads).values({ userId: user.id, title: "Hello" });
    const rows = await database.db.select().from(threads).where(eq(threads.userId, user.id));
    expect(rows.map((r) => r.title)).toEqual(["Hello"]);
  });

  it("refuses a second user with the same email", async () => {
    await database.db.insert(users).values({ email: `dup-${driver}@example.com` });
    await expect(
      database.db.insert(users).values({ email: `dup-${driver}@example.com` }),
    ).rejects.toThrow();
  });

  it("delivers NOTIFY to a listener", async () => {
    const received: string[] = [];
    const stop = await database.listen("flowchat_test", (p) => received.push(p));
    await database.notify("flowchat_test", "hello");
    await expect.poll(() => received).toEqual(["hello"]);
    await stop();
  });
});
