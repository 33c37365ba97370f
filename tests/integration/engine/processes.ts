// Helpers for tests that run the executor as a child process.
import { type ChildProcess, spawn } from "node:child_process";
import net from "node:net";
import path from "node:path";

export const repoRoot = path.resolve(import.meta.dirname, "../../..");
const tsx = path.join(repoRoot, "node_modules/.bin/tsx");

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
  });
}

export type Child = { process: ChildProcess; output: () => string; exited: Promise<number | null> };

/**
 * Runs a TypeScript entry point with tsx, as `npm run engine` does. `direct` loads tsx into
 * one node process instead: the tsx CLI runs the script in a grandchild, which a SIGKILL
 * of the CLI would leave running.
 */
export function spawnTs(
  script: string,
  args: string[],
  env: Record<string, string | undefined>,
  options: { direct?: boolean } = {},
): Child {
  const cleanEnv = {} as NodeJS.ProcessEnv;
  for (const [k, v] of Object.entries({ ...process.env, ...env }))
    if (v !== undefined) cleanEnv[k] = v;
  const [command, argv]: [string, string[]] = options.direct
    ? [process.execPath, ["--import", "tsx", script, ...args]]
    : [tsx, [script, ...args]];
  const child = spawn(command, argv, { cwd: repoRoot, env: cleanEnv, stdio: "pipe" });
  let output = "";
  child.stdout?.on("data", (d) => {
    output += d;
  });
  child.stderr?.on("data", (d) => {
    output += d;
  });
  const exited = new Promise<number | null>((resolve) =>
    child.once("exit", (code) => resolve(code)),
  );
  return { process: child, output: () => output, exited };
}

export async function waitFor<T>(
  fn: () => Promise<T | undefined>,
  timeoutMs: number,
  what: string,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    let value: T | undefined;
    try {
      value = await fn();
    } catch (error) {
      // Not ready yet, unless the check says it never will be.
      if ((error as Error).message.startsWith("The child exited")) throw error;
    }
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`Timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}
