// `npm run engine -- --app <url> --port <port>`: the executor as a standalone server, like
// the Inngest Dev Server's `-u`. State in DATABASE_URL when set, PGlite otherwise.
import path from "node:path";
import { parseArgs } from "node:util";
import { openDatabase } from "@/lib/db/client";
import { migrate } from "@/lib/db/migrate";
import { env } from "@/lib/env";
import { createEngine } from "./engine";

const usage = `Usage: npm run engine -- --app <serve() URL> [--app <url>...] [--port 8288]
  [--host 127.0.0.1] [--data-dir .data/engine] [--signing-key <key>] [--event-key <key>]
  [--retry-interval <seconds> | --retry-delay-ms <ms>] [--no-checkpointing]

Keys: without them (the default, on loopback only) the engine is as open as the Inngest Dev
Server: any event key, unsigned calls to apps in dev mode, and its API answers anyone who can
reach the port. With --signing-key and --event-key (or INNGEST_SIGNING_KEY/INNGEST_EVENT_KEY)
it signs every call to the apps and its API takes only "Authorization: Bearer <hashed signing
key>" (what the SDK sends) on every route but GET /health, and events only at /e/<event key>.
A --host other than loopback is refused without both keys.

Retries wait Inngest's backoff (15s, 30s, 1m…) unless a fixed delay is given; the Dev
Server's --retry-interval means the same. Checkpointing (several steps per request, each
result posted to /v1/checkpoint) is on, as in Inngest, for apps whose client points here.

State goes to DATABASE_URL when it is set, otherwise to PGlite in --data-dir.`;

async function main() {
  const { values } = parseArgs({
    options: {
      app: { type: "string", multiple: true, short: "u" },
      port: { type: "string", default: "8288" },
      host: { type: "string", default: "127.0.0.1" },
      "data-dir": { type: "string" },
      "signing-key": { type: "string" },
      "event-key": { type: "string" },
      "retry-delay-ms": { type: "string" },
      "retry-interval": { type: "string" },
      "no-checkpointing": { type: "boolean" },
      help: { type: "boolean", short: "h" },
    },
  });
  if (values.help) {
    console.log(usage);
    return;
  }
  const config = env();
  const signingKey = values["signing-key"] ?? config.INNGEST_SIGNING_KEY;
  const eventKey = values["event-key"] ?? config.INNGEST_EVENT_KEY;
  if (!isLoopbackHost(values.host) && !(signingKey && eventKey)) {
    throw new Error(
      `Refusing to listen on ${values.host} without keys: anyone who can reach it could read every run and start any function. ` +
        "Give --signing-key and --event-key (or INNGEST_SIGNING_KEY and INNGEST_EVENT_KEY), or listen on 127.0.0.1.",
    );
  }
  if (Boolean(signingKey) !== Boolean(eventKey)) {
    throw new Error(`Give both a signing key and an event key, or neither\n${usage}`);
  }
  const port = Number(values.port);
  if (!Number.isInteger(port) || port < 0)
    throw new Error(`Invalid --port ${values.port}\n${usage}`);
  const dataDir = path.resolve(values["data-dir"] ?? path.join(config.DATA_DIR, "engine"));
  const db = await openDatabase({ databaseUrl: config.DATABASE_URL, pgliteDir: dataDir });
  await migrate(db);
  const retryDelay = values["retry-interval"]
    ? Number(values["retry-interval"]) * 1000
    : values["retry-delay-ms"]
      ? Number(values["retry-delay-ms"])
      : undefined;
  if (retryDelay !== undefined && !(retryDelay >= 0)) {
    throw new Error(`Invalid retry delay\n${usage}`);
  }
  const engine = createEngine({
    db,
    apps: (values.app ?? []).map((url) => ({ url })),
    port,
    host: values.host,
    signingKey,
    eventKey,
    backoff: retryDelay === undefined ? undefined : () => retryDelay,
    checkpointing: !values["no-checkpointing"],
  });
  await engine.start();
  console.log(
    `[engine] listening on ${engine.url}${signingKey ? " (keys required)" : " (no keys: Dev Server mode, loopback only)"} (state: ${config.DATABASE_URL ? "PostgreSQL" : `PGlite at ${dataDir}`})`,
  );

  let stopping = false;
  const shutdown = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    console.log(`[engine] ${signal}: finishing requests in flight`);
    await engine.stop();
    await db.close();
    process.exit(0);
  };
  process.on("SIGTERM", () => void shutdown("SIGTERM"));
  process.on("SIGINT", () => void shutdown("SIGINT"));
}

/** 127.0.0.0/8, ::1 and localhost: only this machine can connect. */
function isLoopbackHost(host: string): boolean {
  const bare = host.replace(/^\[|\]$/g, "").toLowerCase();
  return bare === "localhost" || bare === "::1" || /^127(\.\d{1,3}){3}$/.test(bare);
}

main().catch((error) => {
  console.error(`[engine] ${error instanceof Error ? error.message : String(error)}`);
  process.exit(1);
});
