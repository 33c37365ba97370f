// Standalone mode: `npm run engine -- --app <url> --port <port>` as a child process, an SDK
// app in dev mode pointed at it over HTTP, exactly as with the Inngest Dev Server.
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { createTestApp, type TestApp } from "@/tests/fixtures/inngest-app/app";
import { type Child, freePort, spawnTs, waitFor } from "./processes";

describe("standalone engine (npm run engine)", () => {
  let child: Child | undefined;
  let app: TestApp | undefined;
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), "engine-cli-"));
  afterAll(async () => {
    // SIGTERM, which the tsx CLI relays: a SIGKILL would orphan the engine it runs.
    if (child && child.process.exitCode === null) {
      child.process.kill("SIGTERM");
      await child.exited;
    }
    await app?.close();
    fs.rmSync(dataDir, { recursive: true, force: true });
  });

  it("syncs an app by URL, accepts its events at /e/:key, runs them and stops on SIGTERM", async () => {
    const port = await freePort();
    const engineUrl = `http://127.0.0.1:${port}`;
    app = await createTestApp({ engineUrl, http: true, id: "cli-app" });
    child = spawnTs(
      "inngest/local/cli.ts",
      ["--app", app.url, "--port", String(port), "--data-dir", path.join(dataDir, "engine")],
      { DATABASE_URL: undefined, INNGEST_DEV: undefined },
    );
    const described = await waitFor(
      async () => {
        const res = await fetch(`${engineUrl}/dev`);
        const body = (await res.json()) as { functions: { id: string }[] };
        return body.functions.length ? body : undefined;
      },
      30_000,
      "the engine to sync the app",
    );
    expect(described.functions.map((f) => f.id)).toContain("cli-app-steps");

    // The SDK's own send() against the engine, as against the Dev Server.
    const sent = await app.client.send({ name: "test/steps", data: { key: "cli" } });
    expect(sent.ids).toHaveLength(1);

    const run = await waitFor(
      async () => {
        const res = await fetch(`${engineUrl}/runs?function=cli-app-steps`);
        const [r] = (await res.json()) as { id: string; status: string; output: unknown }[];
        return r?.status === "completed" ? r : undefined;
      },
      20_000,
      "the run to complete",
    );
    expect(run.output).toEqual({ sum: 3, key: "cli" });
    const detail = (await (await fetch(`${engineUrl}/runs/${run.id}`)).json()) as {
      steps: { name: string; attempts: unknown[] }[];
    };
    expect(detail.steps.map((s) => s.name)).toEqual(["a", "b"]);

    child.process.kill("SIGTERM");
    expect(await child.exited).toBe(0);
    const log = child.output();
    expect(log).toContain(`run ${run.id} started`);
    expect(log).toContain(`run ${run.id} completed`);
    expect(fs.existsSync(path.join(dataDir, "engine.lock"))).toBe(false);
  });
});
