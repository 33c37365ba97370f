// /api/chat counts each request per person and answers 429 with Retry-After once over.
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { users } from "@/lib/db/schema";
import { queriesDatabase } from "../helpers/queries";

const session = vi.hoisted(() => ({ userId: undefined as string | undefined }));
vi.mock("@/app/(auth)/auth", () => ({ currentUserId: async () => session.userId }));

const database = queriesDatabase("pglite");
let route: typeof import("@/app/api/chat/route");
let limits: typeof import("@/lib/rate-limit");
let alice: string;
let bob: string;

beforeAll(async () => {
  const rows = await database.db
    .insert(users)
    .values([{ email: "alice@example.com" }, { email: "bob@example.com" }])
    .returning();
  [alice, bob] = rows.map((row) => row.id) as [string, string];
  limits = await import("@/lib/rate-limit");
  limits.setRateLimits({ chat: { points: 2, duration: 60 } });
  route = await import("@/app/api/chat/route");
});
afterAll(() => {
  limits?.resetRateLimits();
});

// A body the route refuses after the limit check, so no model is needed.
const notJson = () =>
  new Request("http://app.test/api/chat", {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: "{not json",
  });

describe("the chat rate limit", () => {
  it("answers 429 with Retry-After and a readable message once a person is over the limit", async () => {
    session.userId = alice;
    expect((await route.POST(notJson())).status).toBe(400);
    expect((await route.POST(notJson())).status).toBe(400);
    const refused = await route.POST(notJson());
    expect(refused.status).toBe(429);
    const wait = Number(refused.headers.get("retry-after"));
    expect(wait).toBeGreaterThan(0);
    expect(wait).toBeLessThanOrEqual(60);
    const body = await refused.json();
    expect(body.error.code).toBe("rate_limit:chat");
    expect(body.error.message).toMatch(
      /^Too many messages\. Try again in (\d+ seconds?|1 minute)\.$/,
    );
  });

  it("counts each person separately", async () => {
    session.userId = bob;
    expect((await route.POST(notJson())).status).toBe(400);
  });

  it("does not count requests without a session", async () => {
    session.userId = undefined;
    expect((await route.POST(notJson())).status).toBe(401);
  });
});
