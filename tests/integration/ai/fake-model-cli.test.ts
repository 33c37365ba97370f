// `npm run demo-model` (the demo model a person runs to try the app without a key) and
// `npm run fake-model` (the same with the e2e suite's test hooks).
import { type ChildProcessWithoutNullStreams, spawn } from "node:child_process";
import { once } from "node:events";
import path from "node:path";
import { afterEach, describe, expect, it } from "vitest";

const root = path.resolve(import.meta.dirname, "../../..");
const tsxCli = path.join(root, "node_modules/tsx/dist/cli.mjs");
const cli = path.join(root, "tests/fixtures/openai-server/cli.ts");
const demoCli = path.join(root, "lib/demo-model/cli.ts");

let child: ChildProcessWithoutNullStreams | undefined;
afterEach(() => {
  // Only reached when a test failed before stopping the process itself.
  if (child && child.exitCode === null && child.signalCode === null) child.kill("SIGKILL");
  child = undefined;
});

/** Starts the CLI the way `npm run fake-model` does (tsx) and waits for its base URL. */
async function startCli(args: string[], script = cli) {
  const proc = spawn(process.execPath, [tsxCli, script, ...args], { cwd: root });
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
  it("serves the demo model with the test hooks, prints OPENAI_BASE_URL and stops cleanly on SIGTERM", async () => {
    const { proc, baseURL, output } = await startCli(["--port", "0", "--delay", "0"]);
    expect(baseURL).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/v1$/);

    const models = await fetch(`${baseURL}/models`);
    expect(models.status).toBe(200);
    const completion = await fetch(`${baseURL}/chat/completions`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({
        model: "any",
        messages: [{ role: "user", content: "ping" }],
        tools: [{ type: "function", function: { name: "proposeWorkflow", parameters: {} } }],
      }),
    });
    // Not understood: the demo model's honest answer, quoting the message first.
    const content = (await completion.json()).choices[0].message.content as string;
    expect(content.startsWith('You said: "ping"')).toBe(true);
    expect(content).toContain("demo model");
    // The test hook: `/plan <fixture>` proposes that fixture.
    const planned = await fetch(`${baseURL}/chat/completions`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({
        model: "any",
        messages: [{ role: "user", content: "/plan greeting" }],
        tools: [{ type: "function", function: { name: "proposeWorkflow", parameters: {} } }],
      }),
    });
    const call = (await planned.json()).choices[0].message.tool_calls[0].function;
    expect(call.name).toBe("proposeWorkflow");
    expect(JSON.parse(call.arguments).plan.title).toBe("Greeting");

    const exited = once(proc, "exit");
    proc.kill("SIGTERM");
    const [code] = await exited;
    expect(code).toBe(0);
    expect(output()).toContain("shutting down");
    await expect(fetch(`${baseURL}/models`)).rejects.toThrow();
  });

  it("npm run demo-model plans a request through the app's tools and serves sample data", async () => {
    const { proc, baseURL, output } = await startCli(["--port", "0", "--delay", "0"], demoCli);
    expect(output()).toContain("demo model");
    const origin = baseURL.replace(/\/v1$/, "");
    const models = await (await fetch(`${baseURL}/models`)).json();
    expect(models.data.map((m: { id: string }) => m.id)).toEqual(["flowchat-demo"]);
    const planned = await fetch(`${baseURL}/chat/completions`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({
        model: "flowchat-demo",
        messages: [
          { role: "user", content: "Remind me every weekday at 9:15 to water the plants" },
        ],
        tools: ["useTemplate", "proposeWorkflow"].map((name) => ({
          type: "function",
          function: { name, parameters: {} },
        })),
      }),
    });
    const call = (await planned.json()).choices[0].message.tool_calls[0].function;
    expect(call.name).toBe("useTemplate");
    expect(JSON.parse(call.arguments)).toEqual({
      id: "reminder",
      values: { message: "water the plants", time: "09:15" },
    });
    // A test hook is not part of the product's demo model.
    const hook = await fetch(`${baseURL}/chat/completions`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({
        model: "flowchat-demo",
        messages: [{ role: "user", content: "/plan greeting" }],
        tools: [{ type: "function", function: { name: "proposeWorkflow", parameters: {} } }],
      }),
    });
    expect((await hook.json()).choices[0].message.content).toContain("demo model");
    const incidents = await fetch(`${origin}/demo/incidents`);
    expect(incidents.status).toBe(200);
    expect((await incidents.json())[0]).toMatchObject({ severity: "sev-1" });
    expect((await fetch(`${origin}/demo/nothing`)).status).toBe(404);

    const exited = once(proc, "exit");
    proc.kill("SIGTERM");
    expect((await exited)[0]).toBe(0);
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
