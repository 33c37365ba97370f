// What `plan run`, `plan test` and `plan rerun` share: the database (a scratch in-memory
// PGlite, or DATABASE_URL), the embedded executor with the app's functions behind the real
// serve() handler, a listener for resume links, the local CLI user, the secrets given with
// --secrets-file (kept in memory, never stored), chat posts printed instead of posted (the
// CLI has no thread), and following a run to its end, one printed line per step. The app's server modules are loaded lazily (they need the
// `react-server` condition, which `npm run plan` sets), so `plan validate` stays light.
import http from "node:http";
import type { AddressInfo } from "node:net";
import type { Inngest } from "inngest";
import type { ActionRegistry } from "@/lib/actions/registry";
import type { DbHandle } from "@/lib/db/client";
import type { Run, RunEvent } from "@/lib/db/schema";
import type { CliIo } from "./command";

export const CLI_USER_EMAIL = "cli@flowchat.local";

/** The thread a CLI run posts into: none; its chat posts are printed after their step. */
export const CLI_THREAD = "cli";

export function compact(value: unknown, max = 200): string {
  const text = JSON.stringify(value) ?? "null";
  return text.length > max ? `${text.slice(0, max - 1)}…` : text;
}

/**
 * One printed line per finished (or waiting, skipped, reused) unit and per run outcome. A
 * succeeded attempt's output is its step row's (the log does not copy it): pass it as `output`.
 */
export function formatRunEvent(event: RunEvent, output?: unknown): string | undefined {
  const data = (event.data ?? {}) as {
    unitId?: string;
    status?: string;
    durationMs?: number;
    error?: { message?: string };
    willRetry?: boolean;
    attempt?: number;
    reason?: string;
    reused?: boolean;
  };
  const unit = data.unitId ?? event.stepId ?? "";
  const ms = typeof data.durationMs === "number" ? `${data.durationMs} ms` : "";
  if (event.key?.startsWith("run:") && event.key !== "run:finished") return undefined;
  if (event.key === "run:finished") return event.message;
  switch (data.status) {
    case "succeeded":
      if (event.key?.endsWith(":loop:succeeded")) return `✓ ${unit}  ${event.message}`;
      if (data.reused) return `↺ ${unit}  reused  ${compact(output)}`;
      return `✓ ${unit}  succeeded  ${ms}  ${compact(output)}`;
    case "failed":
      return `✗ ${unit}  failed${data.attempt ? ` (attempt ${data.attempt}${data.willRetry ? ", will retry" : ""})` : ""}  ${ms}  ${data.error?.message ?? event.message}`;
    case "skipped":
      return `- ${unit}  skipped: ${data.reason ?? ""}`;
    case "waiting":
      return `… ${unit}  waiting`;
    default:
      return undefined;
  }
}

export type CliEngine = {
  client: Inngest.Any;
  /** The local CLI user (created once per database, then reused). */
  userId: string;
  /** Prints each step of the run as it settles, then its outcome; answers with the ended run. */
  follow(runId: string, io: CliIo): Promise<Run>;
  /** Waits for the run to end without printing; answers with the ended run. */
  finished(runId: string): Promise<Run>;
  close(): Promise<void>;
};

/** Opens the database, migrates it, starts the engine with the app's functions. */
export async function openCliEngine({
  registry,
  secrets = {},
}: {
  registry: ActionRegistry;
  /** The person's secrets for this run (from --secrets-file): in memory only. */
  secrets?: Record<string, string>;
}): Promise<CliEngine> {
  const { randomBytes } = await import("node:crypto");
  const { Inngest } = await import("inngest");
  const { serve } = await import("inngest/next");
  const { createEngine } = await import("@/inngest/local/engine");
  const { silentLogger } = await import("@/inngest/local/interfaces");
  const { createFunctions } = await import("@/inngest/functions");
  const { openDatabase } = await import("@/lib/db/client");
  const { migrate } = await import("@/lib/db/migrate");
  const { env } = await import("@/lib/env");

  // The scratch database lives in memory: a fresh PGlite data directory on disk takes ~18 s
  // to initialise on a small machine, in memory well under a second, and nothing is left
  // behind either way.
  const handle = await openDatabase({
    databaseUrl: env().DATABASE_URL,
    pgliteDir: "memory://plan-run",
  });
  const globalForDb = globalThis as unknown as { flowchatDb?: Promise<DbHandle> };
  const previousDb = globalForDb.flowchatDb;
  globalForDb.flowchatDb = Promise.resolve(handle);
  // Even for one run on loopback, the engine signs its calls and guards its API.
  const keys = {
    signingKey: `signkey-prod-${randomBytes(32).toString("hex")}`,
    eventKey: randomBytes(32).toString("hex"),
  };
  const engine = createEngine({
    db: handle,
    port: 0,
    logger: silentLogger,
    pollIntervalMs: 500,
    ...keys,
  });
  let resumeServer: http.Server | undefined;
  /** What chat.post steps posted, by message id (`run_<runId>_<unit>`). */
  const posts = new Map<string, string>();
  const close = async () => {
    await engine.stop().catch(() => {});
    await new Promise<void>((resolve) => {
      if (!resumeServer) return resolve();
      resumeServer.close(() => resolve());
      resumeServer.closeAllConnections();
    });
    await handle.close().catch(() => {});
    globalForDb.flowchatDb = previousDb;
  };
  try {
    await migrate(handle);
    await engine.start();
    const client = new Inngest({
      id: "flowchat",
      isDev: false,
      baseUrl: engine.url,
      ...keys,
      logger: { info() {}, warn() {}, error() {}, debug() {} },
    });
    const secret = randomBytes(32).toString("base64url");
    resumeServer = await startResumeListener(client, secret);
    const resumeBase = `http://127.0.0.1:${(resumeServer.address() as AddressInfo).port}`;

    const { createServerActionContext } = await import("@/inngest/functions/action-context");
    const functions = createFunctions({
      client,
      registry,
      // No account and no stored secrets: the CLI user's are the file's. A chat post is kept
      // to be printed after its step's line (by message id, stable per unit).
      createContext: async (options) => ({
        context: await createServerActionContext({
          ...options,
          threadId: options.threadId ?? CLI_THREAD,
          secrets,
          services: {
            async postMessage(post) {
              posts.set(post.messageId, post.text);
              return { messageId: post.messageId };
            },
          },
        }),
        secrets,
      }),
      appUrl: resumeBase,
      resumeSecret: secret,
      concurrencyPerUser: 10,
    });
    const handlers = serve({ client, functions }) as unknown as Record<
      string,
      (request: Request, context: unknown) => Promise<Response>
    >;
    await engine.sync({
      url: "http://cli.local/api/inngest",
      fetch: (request) => handlers[request.method](request, {}),
    });
    const userId = await cliUser();
    return {
      client,
      userId,
      follow: (runId, io) => followRun(handle, runId, io, posts),
      finished: (runId) => followRun(handle, runId, undefined, posts),
      close,
    };
  } catch (error) {
    await close();
    throw error;
  }
}

/** The local CLI user: created the first time, the same one on every later run. */
async function cliUser(): Promise<string> {
  const { createUser, getUserByEmail } = await import("@/lib/db/queries");
  const existing = await getUserByEmail({ email: CLI_USER_EMAIL });
  if (existing) return existing.id;
  await createUser({ email: CLI_USER_EMAIL, name: "Plan CLI", passwordHash: "!" });
  const user = await getUserByEmail({ email: CLI_USER_EMAIL });
  if (!user) throw new Error("could not create the local CLI user");
  return user.id;
}

/** Resume links work while the CLI runs: a small listener answers /api/resume/:token. */
async function startResumeListener(client: Inngest.Any, secret: string): Promise<http.Server> {
  const { handleResumeRequest } = await import("@/lib/runs/resume-request");
  const { AppError } = await import("@/lib/errors");
  const server = http.createServer(async (req, res) => {
    const token = /^\/api\/resume\/([^/?]+)/.exec(req.url ?? "")?.[1];
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    let response: Response;
    try {
      if (!token) throw new Error("not found");
      response = await handleResumeRequest(
        new Request(`http://cli.local${req.url}`, {
          method: req.method,
          headers: Object.entries(req.headers).flatMap(([name, value]) =>
            typeof value === "string" ? [[name, value] as [string, string]] : [],
          ),
          body: req.method === "POST" ? Buffer.concat(chunks) : undefined,
        }),
        token,
        { client, secret },
      );
    } catch (error) {
      response =
        error instanceof AppError ? error.toResponse() : new Response("not found", { status: 404 });
    }
    res.writeHead(response.status, { "content-type": "application/json" });
    res.end(await response.text());
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return server;
}

/** A chat post as the CLI prints it, under its step's line. */
export function formatPost(text: string): string[] {
  return ["  posted in the chat:", ...text.split("\n").map((line) => `  │ ${line}`)];
}

async function followRun(
  handle: DbHandle,
  runId: string,
  io: CliIo | undefined,
  posts: Map<string, string>,
): Promise<Run> {
  const { getRunById, listRunEvents, listUnitAttempts } = await import("@/lib/db/run-queries");
  const { splitUnitId } = await import("@/lib/runs/records");
  const { isTerminal } = await import("@/lib/runs/status");
  /** A succeeded attempt's output, from its step row. */
  const attemptOutput = async (event: RunEvent) => {
    const data = (event.data ?? {}) as { unitId?: string; attempt?: number; status?: string };
    if (data.status !== "succeeded" || !data.unitId || data.attempt === undefined) return undefined;
    const unit = splitUnitId(data.unitId);
    const attempts = await listUnitAttempts({ runId: event.runId, units: [unit] });
    return attempts.find((attempt) => attempt.attempt === data.attempt)?.output;
  };
  let lastSeq = 0;
  const print = async () => {
    for (const event of await listRunEvents({ runId, afterSeq: lastSeq })) {
      lastSeq = event.seq;
      if (!io) continue;
      const line = formatRunEvent(event, await attemptOutput(event));
      if (line) io.stdout(line);
      const data = (event.data ?? {}) as { unitId?: string; status?: string };
      const posted =
        data.status === "succeeded" ? posts.get(`run_${runId}_${data.unitId}`) : undefined;
      if (posted !== undefined) for (const text of formatPost(posted)) io.stdout(text);
    }
  };
  let wake: () => void = () => {};
  const unlisten = await handle.listen("run_events", (changed) => {
    if (changed === runId) wake();
  });
  try {
    for (;;) {
      await print();
      const current = await getRunById({ runId });
      if (current && isTerminal(current.status)) {
        await print();
        if (current.status === "succeeded" && io) {
          io.stdout(`output: ${compact(current.output, 2000)}`);
        }
        return current;
      }
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, 500);
        wake = () => {
          clearTimeout(timer);
          resolve();
        };
      });
    }
  } finally {
    await unlisten();
  }
}
