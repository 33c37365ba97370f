// `npm run fake-model`: the CLI a developer runs to try the app without a key.
import { type ChildProcessWithoutNullStreams, spawn } from "node:child_process";
import { once } from "node:events";
import path from "node:path";
import { afterEach, describe, expect, it } from "vitest";

const root = path.resolve(import.meta.dirname, "../../..");
const tsxCli = path.join(root, "node_modules/tsx/dist/cli.mjs");
const cli = path.join(root, "tests/fixtures/openai-server/cli.ts");

let child: ChildProcessWithoutNullStreams | undefined;
afterEach(() => {
  // Only reached when a test failed before stopping the process itself.
  if (child && child.exitCode === null && child.signalCode === null) child.kill("SIGKILL");
  child = undefined;
});

/** Starts the CLI the way `npm run fake-model` does (tsx) and waits for its base URL. */
async function startCli(args: string[]) {
  const proc = spawn(process.execPath, [tsxCli, cli, ...args], { cwd: root });
  child = proc;
  let output = "";
  proc.stdout.on("data", (chunk) => {
    output += chunk;
  });
  proc.stderr.on("data", (chunk) => {
    output += chunk;
  });
  const baseURL = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`CLI did not start:\n${output}`)), 30_000);
    proc.stdout.on("data", () => {
      const match = output.match(/^OPENAI_BASE_URL=(\S+)$/m);
      if (match) {
        clearTimeout(timer);
        resolve(match[1]);
      }
    });
    proc.once("exit", (code) => {
      clearTimeout(timer);
      reject(new Error(`CLI exited with ${code}:\n${output}`));
    });
  });
  return { proc, baseURL, output: () => output };
}

describe("the fake-model CLI", () => {
  it("serves the echo model, prints OPENAI_BASE_URL and stops cleanly on SIGTERM", async () => {
    const { proc, baseURL, output } = await startCli(["--port", "0", "--delay", "0"]);
    expect(baseURL).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/v1$/);

    const models = await fetch(`${baseURL}/models`);
    expect(models.status).toBe(200);
    const completion = await fetch(`${baseURL}/chat/completions`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ model: "any", messages: [{ role: "user", content: "ping" }] }),
    });
    expect((await completion.json()).choices[0].message.content).toBe('You said: "ping"');

    const exited = once(proc, "exit");
    proc.kill("SIGTERM");
    const [code] = await exited;
    expect(code).toBe(0);
    expect(output()).toContain("shutting down");
    await expect(fetch(`${baseURL}/models`)).rejects.toThrow();
  });

  it("rejects a bad port with usage help", async () => {
    const proc = spawn(process.execPath, [tsxCli, cli, "--port", "nope"], { cwd: root });
    child = proc;
    let stderr = "";
    proc.stderr.on("data", (chunk) => {
      stderr += chunk;
    });
    const [code] = await once(proc, "exit");
    expect(code).toBe(2);
    expect(stderr).toContain("Invalid --port");
    expect(stderr).toContain("Usage: npm run fake-model");
  });
});
