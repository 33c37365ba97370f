import { afterEach, describe, expect, it, vi } from "vitest";
import { resetEnvForTests } from "@/lib/env";

const database = { fails: false };
vi.mock("@/lib/db", () => ({
  getDb: async () => {
    if (database.fails) throw new Error("already open in process 42 (a driver detail)");
    return { execute: async () => [] };
  },
}));

const { GET } = await import("@/app/api/health/route");
const globalForEngine = globalThis as unknown as { flowchatEngine?: { state: string } };

async function health() {
  const res = await GET();
  return { status: res.status, body: await res.json() };
}

afterEach(() => {
  database.fails = false;
  globalForEngine.flowchatEngine = undefined;
  vi.unstubAllEnvs();
  vi.restoreAllMocks();
  resetEnvForTests();
});

describe("/api/health", () => {
  it("is ok when the database answers and the embedded engine serves", async () => {
    globalForEngine.flowchatEngine = { state: "ok" };
    expect(await health()).toMatchObject({
      status: 200,
      body: { ok: true, database: "ok", engine: "ok" },
    });
  });

  it("answers 503 while the embedded engine starts, retries or is missing", async () => {
    for (const state of ["starting", "down"]) {
      globalForEngine.flowchatEngine = { state };
      expect(await health()).toMatchObject({
        status: 503,
        body: { ok: false, database: "ok", engine: state },
      });
    }
    globalForEngine.flowchatEngine = undefined;
    expect((await health()).body.engine).toBe("down");
  });

  it("counts a serving engine as up, whichever process leads", async () => {
    globalForEngine.flowchatEngine = { state: "ok" };
    expect((await health()).status).toBe(200);
  });

  it("answers 503 without details while the database cannot be opened", async () => {
    vi.spyOn(console, "error").mockImplementation(() => {});
    globalForEngine.flowchatEngine = { state: "down" };
    database.fails = true;
    expect(await health()).toMatchObject({
      status: 503,
      body: { ok: false, database: "unavailable", engine: "down" },
    });
  });

  it("reports an external engine when a real Inngest is configured", async () => {
    vi.stubEnv("INNGEST_BASE_URL", "http://inngest.internal:8288");
    resetEnvForTests();
    expect(await health()).toMatchObject({
      status: 200,
      body: { ok: true, database: "ok", engine: "external" },
    });
  });
});
