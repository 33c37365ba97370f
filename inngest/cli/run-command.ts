// `plan run <file.json> [--input '<json>']`: runs a plan file once on the embedded executor,
// with a scratch in-memory PGlite database (or DATABASE_URL when set) and a local CLI user,
// printing each step as it finishes. The app's server modules are loaded lazily (they need the
// `react-server` condition, which `npm run plan` sets), so `plan validate` stays light.
import http from "node:http";
import type { AddressInfo } from "node:net";
import type { ActionRegistry } from "@/lib/actions/registry";
import type { RunEvent } from "@/lib/db/schema";
import { type CliCommand, type CliIo, EXIT, UsageError } from "./command";
import { readJsonFile } from "./read-plan-file";

const CLI_USER_EMAIL = "cli@flowchat.local";

function parseArgs(args: readonly string[]): { file: string; input: Record<string, unknown> } {
  let file: string | undefined;
  let inputText: string | undefined;
  for (let i = 0; i < args.length; i++) {
    const arg = args[i];
    if (arg === "--input") {
      inputText = args[++i];
      if (inputText === undefined) throw new UsageError("--input needs a JSON object");
    } else if (arg.startsWith("--input=")) {
      inputText = arg.slice("--input=".length);
    } else if (arg.startsWith("-")) {
      throw new UsageError(`unknown option ${arg}`);
    } else if (file === undefined) {
      file = arg;
    } else {
      throw new UsageError(`unexpected argument ${arg}; run takes one file`);
    }
  }
  if (file === undefined) throw new UsageError("run needs a plan file");
  let input: unknown = {};
  if (inputText !== undefined) {
    try {
      input = JSON.parse(inputText);
    } catch (error) {
      throw new UsageError(`--input is not valid JSON: ${(error as Error).message}`);
    }
    if (input === null || typeof input !== "object" || Array.isArray(input)) {
      throw new UsageError("--input must be a JSON object of the plan's inputs");
    }
  }
  return { file, input: input as Record<string, unknown> };
}

function compact(value: unknown, max = 200): string {
  const text = JSON.stringify(value) ?? "null";
  return text.length > max ? `${text.slice(0, max - 1)}…` : text;
}

/**
 * One printed line per finished (or waiting, skipped) unit and per run outcome. A succeeded
 * attempt's output is its step row's (the log does not copy it): pass it as `output`.
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
  };
  const unit = data.unitId ?? event.stepId ?? "";
  const ms = typeof data.durationMs === "number" ? `${data.durationMs} ms` : "";
  if (event.key?.startsWith("run:") && event.key !== "run:finished") return undefined;
  if (event.key === "run:finished") return event.message;
  switch (data.status) {
    case "succeeded":
      if (event.key?.endsWith(":loop:succeeded")) return `✓ ${unit}  ${event.message}`;
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

export function createRunCommand(options: { registry?: ActionRegistry } = {}): CliCommand {
  return {
    name: "run",
    usage: "run <file.json> [--input '<json>']",
    summary: "run a plan once on the embedded executor and print each step; exit 1 if it fails",
    help: [
      "--input '<json>'   the manual trigger's inputs, e.g. --input '{\"city\":\"Paris\"}'",
      "run uses a scratch in-memory database unless DATABASE_URL is set",
      "run exits 0 when the run succeeded, 1 when it failed",
    ],
    run: async (args, io) => runPlanFile(parseArgs(args), io, options.registry),
  };
}

export const runCommand = createRunCommand();

async function runPlanFile(
  { file, input }: { file: string; input: Record<string, unknown> },
  io: CliIo,
  injectedRegistry?: ActionRegistry,
): Promise<number> {
  const read = await readJsonFile(file);
  if (!read.ok) {
    io.stderr(read.message);
    return EXIT.failed;
  }
  const { actionRegistry } = await import("@/lib/actions/registry");
  const registry = injectedRegistry ?? actionRegistry;
  const { formatIssues, validatePlan } = await import("@/lib/plan/validate");
  const { validateManualInputs } = await import("@/lib/plan/manual-inputs");
  const checked = validatePlan(read.value, { catalog: registry });
  if (!checked.ok) {
    for (const line of formatIssues(checked.errors)) io.stdout(line);
    return EXIT.failed;
  }
  const inputs = validateManualInputs(checked.plan.trigger, input);
  if (!inputs.ok) {
    for (const line of formatIssues(inputs.errors)) io.stderr(`--input ${line}`);
    return EXIT.failed;
  }

  const { randomBytes } = await import("node:crypto");
  const { Inngest } = await import("inngest");
  const { serve } = await import("inngest/next");
  const { createEngine } = await import("@/inngest/local/engine");
  const { silentLogger } = await import("@/inngest/local/interfaces");
  const { createFunctions } = await import("@/inngest/functions");
  const { openDatabase } = await import("@/lib/db/client");
  const { migrate } = await import("@/lib/db/migrate");
  const { env } = await import("@/lib/env");

  const config = env();
  // The scratch database lives in memory: a fresh PGlite data directory on disk takes ~18 s
  // to initialise on a small machine, in memory well under a second, and nothing is left
  // behind either way.
  const handle = await openDatabase({
    databaseUrl: config.DATABASE_URL,
    pgliteDir: "memory://plan-run",
  });
  const globalForDb = globalThis as unknown as { flowchatDb?: Promise<typeof handle> };
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
    // Resume links work while the CLI runs: a small listener answers /api/resume/:token.
    const { handleResumeRequest } = await import("@/lib/runs/resume-request");
    const { AppError } = await import("@/lib/errors");
    resumeServer = http.createServer(async (req, res) => {
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
          error instanceof AppError
            ? error.toResponse()
            : new Response("not found", { status: 404 });
      }
      res.writeHead(response.status, { "content-type": "application/json" });
      res.end(await response.text());
    });
    await new Promise<void>((resolve) => resumeServer?.listen(0, "127.0.0.1", resolve));
    const resumeBase = `http://127.0.0.1:${(resumeServer.address() as AddressInfo).port}`;

    const { createServerActionContext } = await import("@/inngest/functions/action-context");
    const functions = createFunctions({
      client,
      registry,
      // No account and no stored secrets: the CLI user has none to decrypt.
      createContext: async (options) => ({
        context: await createServerActionContext({ ...options, secrets: {} }),
        secrets: {},
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

    const { createUser, getUserByEmail } = await import("@/lib/db/queries");
    const { createWorkflow, approveWorkflowVersion } = await import("@/lib/db/workflow-queries");
    const { startRun } = await import("@/lib/runs/start-run");
    const { getRunById, listRunEvents, listUnitAttempts } = await import("@/lib/db/run-queries");
    const { splitUnitId } = await import("@/lib/runs/records");
    /** A succeeded attempt's output, from its step row. */
    const attemptOutput = async (event: RunEvent) => {
      const data = (event.data ?? {}) as { unitId?: string; attempt?: number; status?: string };
      if (data.status !== "succeeded" || !data.unitId || data.attempt === undefined)
        return undefined;
      const unit = splitUnitId(data.unitId);
      const attempts = await listUnitAttempts({ runId: event.runId, units: [unit] });
      return attempts.find((attempt) => attempt.attempt === data.attempt)?.output;
    };
    const { isTerminal } = await import("@/lib/runs/status");
    await createUser({ email: CLI_USER_EMAIL, name: "Plan CLI", passwordHash: "!" });
    const user = await getUserByEmail({ email: CLI_USER_EMAIL });
    if (!user) throw new Error("could not create the local CLI user");
    const { workflow, version } = await createWorkflow({
      userId: user.id,
      title: checked.plan.title,
      plan: checked.plan,
      author: "person",
    });
    await approveWorkflowVersion({
      userId: user.id,
      workflowId: workflow.id,
      versionId: version.id,
    });
    const run = await startRun({
      userId: user.id,
      workflowId: workflow.id,
      inputs: inputs.inputs,
      client,
    });
    io.stdout(`Running "${checked.plan.title}" (run ${run.id})`);

    let lastSeq = 0;
    let wake: () => void = () => {};
    const unlisten = await handle.listen("run_events", (runId) => {
      if (runId === run.id) wake();
    });
    try {
      for (;;) {
        const events = await listRunEvents({ runId: run.id, afterSeq: lastSeq });
        for (const event of events) {
          lastSeq = event.seq;
          const line = formatRunEvent(event, await attemptOutput(event));
          if (line) io.stdout(line);
        }
        const current = await getRunById({ runId: run.id });
        if (current && isTerminal(current.status)) {
          const rest = await listRunEvents({ runId: run.id, afterSeq: lastSeq });
          for (const event of rest) {
            const line = formatRunEvent(event, await attemptOutput(event));
            if (line) io.stdout(line);
          }
          if (current.status === "succeeded") {
            io.stdout(`output: ${compact(current.output, 2000)}`);
            return EXIT.ok;
          }
          return EXIT.failed;
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
  } finally {
    await engine.stop().catch(() => {});
    await new Promise<void>((resolve) => {
      if (!resumeServer) return resolve();
      resumeServer.close(() => resolve());
      resumeServer.closeAllConnections();
    });
    await handle.close().catch(() => {});
    globalForDb.flowchatDb = previousDb;
  }
}
