// `npm run dev` opened at http://127.0.0.1:<port> (the address the README, the demo model and the
// logs print) must get its dev resources: Next blocks cross-origin requests to `/_next/*` and
// the HMR socket unless the host is allowed, and the page then renders but never hydrates.
// This starts a real `next dev` (no page is compiled: the check runs before any compilation), so
// it takes seconds, not the minute a first page takes.
import { spawn } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { request } from "node:http";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type Child, freePort, repoRoot, waitFor } from "../engine/processes";

let dev: Child | undefined;
let port = 0;
let dataDir = "";

beforeAll(async () => {
  port = await freePort();
  dataDir = mkdtempSync(path.join(tmpdir(), "flowchat-dev-"));
  // Vitest sets NODE_ENV=test, which `next dev` takes for a custom build directory.
  const { NODE_ENV: _testMode, ...inherited } = process.env;
  const env: Record<string, string | undefined> = {
    ...inherited,
    DATA_DIR: dataDir,
    NEXT_TELEMETRY_DISABLED: "1",
    INNGEST_EMBEDDED_PORT: String(await freePort()),
  };
  // `npm run dev` as a person runs it: no -H, so Next knows no host name of its own.
  const child = spawn(
    process.execPath,
    [path.join(repoRoot, "node_modules/next/dist/bin/next"), "dev", "-p", String(port)],
    {
      cwd: repoRoot,
      env: env as NodeJS.ProcessEnv,
      stdio: "pipe",
    },
  );
  let output = "";
  child.stdout.on("data", (d) => {
    output += d;
  });
  child.stderr.on("data", (d) => {
    output += d;
  });
  const exited = new Promise<number | null>((resolve) => child.once("exit", resolve));
  dev = { process: child, output: () => output, exited };
  await waitFor(
    async () => (/Ready in/.test(output) ? true : undefined),
    90_000,
    `next dev:\n${output}`,
  );
}, 120_000);

afterAll(async () => {
  if (dev && dev.process.exitCode === null) {
    dev.process.kill("SIGTERM");
    await Promise.race([dev.exited, new Promise((r) => setTimeout(r, 10_000))]);
    if (dev.process.exitCode === null) dev.process.kill("SIGKILL");
  }
  if (dataDir) rmSync(dataDir, { recursive: true, force: true });
});

/** A GET of a dev resource as a page at `origin` makes it (fetch/module script: CORS mode). */
function getDevResource(origin: string): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = request(
      {
        host: "127.0.0.1",
        port,
        path: "/_next/static/chunks/flowchat-probe.js",
        headers: { origin, "sec-fetch-mode": "cors", "sec-fetch-site": "same-origin" },
      },
      (res) => {
        let body = "";
        res.on("data", (d) => {
          body += d;
        });
        res.on("end", () => resolve({ status: res.statusCode ?? 0, body }));
      },
    );
    req.on("error", reject);
    req.end();
  });
}

/** Opens the HMR WebSocket as the page's dev client does; true when the server upgrades. */
function openHmrSocket(origin: string): Promise<boolean> {
  return new Promise((resolve) => {
    const req = request({
      host: "127.0.0.1",
      port,
      path: "/_next/hmr",
      headers: {
        origin,
        connection: "Upgrade",
        upgrade: "websocket",
        "sec-websocket-version": "13",
        "sec-websocket-key": Buffer.from("flowchat-dev-key").toString("base64"),
      },
    });
    req.on("upgrade", (_res, socket) => {
      socket.destroy();
      resolve(true);
    });
    req.on("response", (res) => {
      res.resume();
      resolve(false);
    });
    // A refused socket gets a bare "Unauthorized" and is closed: not an HTTP answer at all.
    req.on("error", () => resolve(false));
    req.setTimeout(15_000, () => {
      req.destroy();
      resolve(false);
    });
    req.end();
  });
}

describe("next dev opened at 127.0.0.1 or localhost", () => {
  it("serves dev resources to a page opened at http://127.0.0.1:<port>", async () => {
    const answer = await getDevResource(`http://127.0.0.1:${port}`);
    expect(answer.body).not.toBe("Unauthorized");
    expect(answer.status).not.toBe(403);
  });

  it("serves dev resources to a page opened at http://localhost:<port>", async () => {
    const answer = await getDevResource(`http://localhost:${port}`);
    expect(answer.status).not.toBe(403);
  });

  it("opens the HMR socket for a page at 127.0.0.1 and at localhost", async () => {
    expect(await openHmrSocket(`http://127.0.0.1:${port}`)).toBe(true);
    expect(await openHmrSocket(`http://localhost:${port}`)).toBe(true);
  });

  it("still refuses a page on another site", async () => {
    const answer = await getDevResource("http://evil.example");
    expect(answer.status).toBe(403);
    expect(await openHmrSocket("http://evil.example")).toBe(false);
  });
});
