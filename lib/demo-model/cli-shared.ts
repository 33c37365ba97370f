// The command line the demo model's servers share (npm run demo-model, npm run fake-model):
// flags, usage errors, the printed base URL and a clean stop.
import { parseArgs } from "node:util";

export function fail(message: string, help: string): never {
  console.error(`${message}\n\n${help}`);
  process.exit(2);
}

export interface CliOptions {
  port: number;
  delay: number;
  apiKey?: string;
}

/** The shared flags of the demo model's and the test model's command lines. */
export function parseCli(help: string): CliOptions {
  let values: { port?: string; delay?: string; "api-key"?: string; help?: boolean };
  try {
    ({ values } = parseArgs({
      options: {
        port: { type: "string", default: "4010" },
        delay: { type: "string", default: "40" },
        "api-key": { type: "string" },
        help: { type: "boolean", short: "h" },
      },
    }));
  } catch (error) {
    fail(error instanceof Error ? error.message : String(error), help);
  }
  if (values.help) {
    console.log(help);
    process.exit(0);
  }
  const port = Number(values.port);
  const delay = Number(values.delay);
  if (!Number.isInteger(port) || port < 0 || port > 65535) {
    fail(`Invalid --port: ${values.port}`, help);
  }
  if (!Number.isFinite(delay) || delay < 0) fail(`Invalid --delay: ${values.delay}`, help);
  return { port, delay, apiKey: values["api-key"] };
}

/** Prints where the server listens and stops it cleanly on SIGTERM / SIGINT. */
export function announce(
  server: { url: string; baseURL: string; close(): Promise<void> },
  what: string,
) {
  console.log(`${what} listening on ${server.url}`);
  console.log("Point Flowchat at it with:");
  console.log(`OPENAI_BASE_URL=${server.baseURL}`);
  let stopping = false;
  async function stop(signal: string) {
    if (stopping) return;
    stopping = true;
    console.log(`Received ${signal}, shutting down.`);
    await server.close();
    process.exit(0);
  }
  process.on("SIGTERM", () => void stop("SIGTERM"));
  process.on("SIGINT", () => void stop("SIGINT"));
}
