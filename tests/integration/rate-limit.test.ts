// The rate-limit store (rate-limiter-flexible's RateLimiterDrizzle on the rate_limits table) on
// both drivers, and across two separate connections to one PostgreSQL database, the way two
// app processes share it.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { openDatabase } from "@/lib/db/client";
import { rateLimits } from "@/lib/db/schema";
import { resolveLimits } from "@/lib/rate-limit/limits";
import { RateLimitStore } from "@/lib/rate-limit/store";
import { createTestDatabase, drivers, type TestDatabase } from "../helpers/database";

const tight = resolveLimits({
  login: { points: 3, duration: 60 },
  webhook: { points: 2, duration: 1 },
  chat: { points: 5, duration: 60 },
});

describe.each(drivers)("rate limits on %s", (driver) => {
  let database: TestDatabase;
  let store: RateLimitStore;

  beforeAll(async () => {
    database = await createTestDatabase(driver);
    store = new RateLimitStore(database.db, tight);
  });
  afterAll(async () => {
    await database?.drop();
  });

  it("allows the configured number of requests per window, then refuses with the wait", async () => {
    for (let i = 0; i < 3; i++)
      expect(await store.consume("login", "ada")).toEqual({ allowed: true });
    const refused = await store.consume("login", "ada");
    expect(refused.allowed).toBe(false);
    if (!refused.allowed) {
      expect(refused.retryAfterSeconds).toBeGreaterThan(50);
      expect(refused.retryAfterSeconds).toBeLessThanOrEqual(60);
    }
  });

  it("counts each key and each limit on its own", async () => {
    expect((await store.consume("login", "bob")).allowed).toBe(true);
    expect((await store.consume("chat", "ada")).allowed).toBe(true);
  });

  it("starts a new window once the old one has passed", async () => {
    await store.consume("webhook", "tok");
    await store.consume("webhook", "tok");
    expect((await store.consume("webhook", "tok")).allowed).toBe(false);
    await new Promise((resolve) => setTimeout(resolve, 1100));
    expect((await store.consume("webhook", "tok")).allowed).toBe(true);
  });

  it("gives points back and forgets keys", async () => {
    for (let i = 0; i < 3; i++) await store.consume("login", "carol");
    await store.refund("login", "carol");
    expect((await store.consume("login", "carol")).allowed).toBe(true);
    expect((await store.consume("login", "carol")).allowed).toBe(false);
    await store.reset("login", "carol");
    expect((await store.consume("login", "carol")).allowed).toBe(true);
  });

  it("lets no more than the limit through when requests arrive at once", async () => {
    const outcomes = await Promise.all(
      Array.from({ length: 12 }, () => store.consume("chat", "burst")),
    );
    expect(outcomes.filter((outcome) => outcome.allowed)).toHaveLength(5);
  });

  it("stores keys hashed, never the email, address or token itself", async () => {
    await store.consume("webhook", "whk_secret-token-value");
    const rows = await database.db.select().from(rateLimits);
    expect(rows.length).toBeGreaterThan(0);
    expect(JSON.stringify(rows)).not.toMatch(/secret-token-value|ada|carol/);
    expect(rows.every((row) => /^[a-z-]+:[\w-]{43}$/.test(row.key))).toBe(true);
  });
});

describe("rate limits shared by two processes on one PostgreSQL database", () => {
  let database: TestDatabase;
  let other: Awaited<ReturnType<typeof openDatabase>>;

  beforeAll(async () => {
    database = await createTestDatabase("postgres");
    // A second pool with its own connections and its own limiter instances: another process.
    other = await openDatabase({ databaseUrl: database.url, max: 2 });
  });
  afterAll(async () => {
    await other?.close();
    await database?.drop();
  });

  it("holds the limit whichever process counts the requests", async () => {
    const first = new RateLimitStore(database.db, tight);
    const second = new RateLimitStore(other.db, tight);
    expect((await first.consume("login", "dave")).allowed).toBe(true);
    expect((await second.consume("login", "dave")).allowed).toBe(true);
    expect((await first.consume("login", "dave")).allowed).toBe(true);
    expect((await second.consume("login", "dave")).allowed).toBe(false);
    expect((await first.consume("login", "dave")).allowed).toBe(false);
  });

  it("holds it for requests racing from both processes at once", async () => {
    const first = new RateLimitStore(database.db, tight);
    const second = new RateLimitStore(other.db, tight);
    const outcomes = await Promise.all(
      Array.from({ length: 10 }, (_, i) => (i % 2 ? first : second).consume("chat", "erin")),
    );
    expect(outcomes.filter((outcome) => outcome.allowed)).toHaveLength(5);
  });
});
