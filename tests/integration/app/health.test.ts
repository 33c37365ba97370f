// /api/health tells each part's truth: the real route against a real PostgreSQL, a database
// that is down, a model configured or not, and settings that do not parse.
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from "vitest";
import { GET } from "@/app/api/health/route";
import type { DbHandle } from "@/lib/db/client";
import { resetEnvForTests } from "@/lib/env";
import { createPostgresDatabase } from "../../helpers/database";
import { freePort } from "../engine/processes";

const globalForDb = globalThis as unknown as { flowchatDb?: Promise<DbHandle> };
let database: Awaited<ReturnType<typeof createPostgresDatabase>>;

async function forgetDatabase() {
  const open = globalForDb.flowchatDb;
  globalForDb.flowchatDb = undefined;
  await open?.then((handle) => handle.close()).catch(() => {});
}

async function health(settings: Record<string, string>) {
  for (const name of ["OPENAI_API_KEY", "OPENAI_BASE_URL", "OPENAI_MODEL", "INNGEST_BASE_URL"]) {
    vi.stubEnv(name, undefined);
  }
  // A real Inngest drives the runs: this process hosts no executor to report on.
  vi.stubEnv("INNGEST_MODE", "dev");
  for (const [name, value] of Object.entries(settings)) vi.stubEnv(name, value);
  resetEnvForTests();
  await forgetDatabase();
  const res = await GET();
  return { status: res.status, body: await res.json() };
}

beforeAll(async () => {
  database = await createPostgresDatabase("flowchat_health");
});

afterEach(async () => {
  vi.unstubAllEnvs();
  vi.restoreAllMocks();
  resetEnvForTests();
  await forgetDatabase();
});

afterAll(async () => {
  await database?.drop();
});

describe("/api/health, part by part", () => {
  it("is ok on a real PostgreSQL and says no model is configured", async () => {
    const { status, body } = await health({ DATABASE_URL: database.url });
    expect(status).toBe(200);
    expect(body).toMatchObject({
      ok: true,
      database: "ok",
      engine: "external",
      settings: "ok",
      model: "not-configured",
      detail: {
        settings: { state: "ok" },
        database: { state: "ok", driver: "postgres" },
        engine: { state: "external", mode: "dev" },
        model: { state: "not-configured" },
      },
    });
  });

  it("names the configured model, its provider and API", async () => {
    const { body } = await health({
      DATABASE_URL: database.url,
      OPENAI_BASE_URL: "http://127.0.0.1:4010/v1",
      OPENAI_MODEL: "flowchat-demo",
    });
    expect(body.model).toBe("configured");
    expect(body.detail.model).toEqual({
      state: "configured",
      provider: "openai-compatible",
      id: "flowchat-demo",
      api: "chat",
    });
  });

  it("answers 503 with the database unavailable when nothing listens at DATABASE_URL", async () => {
    vi.spyOn(console, "error").mockImplementation(() => {});
    const dead = await freePort();
    const { status, body } = await health({
      DATABASE_URL: `postgres://postgres:hunter2@127.0.0.1:${dead}/nowhere`,
      OPENAI_API_KEY: "sk-test",
    });
    expect(status).toBe(503);
    expect(body).toMatchObject({ ok: false, database: "unavailable", settings: "ok" });
    expect(body.detail.database.state).toBe("unavailable");
    // The rest is still told as it is, and no address or password leaks.
    expect(body.detail.model).toMatchObject({ state: "configured", provider: "openai" });
    expect(JSON.stringify(body)).not.toContain("hunter2");
    expect(JSON.stringify(body)).not.toContain(String(dead));
  });

  it("says the settings are invalid, naming the variable, instead of blaming the database", async () => {
    const { status, body } = await health({
      DATABASE_URL: database.url,
      OPENAI_BASE_URL: "not-a-url",
    });
    expect(status).toBe(503);
    expect(body).toMatchObject({
      ok: false,
      settings: "invalid",
      database: "unchecked",
      engine: "unchecked",
      model: "unchecked",
    });
    expect(body.detail.settings.problems).toEqual([expect.stringMatching(/^OPENAI_BASE_URL: /)]);
    expect(JSON.stringify(body)).not.toContain("not-a-url");
  });
});
