// `plan rerun <runId> [--from failed|start|<stepId>] [--version pinned|latest] [--input '<json>']`:
// re-runs a run `plan run` kept in DATABASE_URL, the way the app's re-run does (lib/runs/rerun.ts):
// steps upstream of where it starts that succeeded are not executed again, their recorded
// outputs are reused. Prints `run <newRunId>` first, then each step like `run` (reused ones as
// `↺ <step>  reused  <output>`); exit 0 when the new run succeeds, 1 when it fails.
import type { ActionRegistry } from "@/lib/actions/registry";
import { openCliEngine } from "./cli-engine";
import { type CliCommand, type CliIo, EXIT, UsageError } from "./command";

type RerunArgs = {
  runId: string;
  from: string;
  version: "pinned" | "latest";
  inputs?: Record<string, unknown>;
};

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

function parseArgs(args: readonly string[]): RerunArgs {
  let runId: string | undefined;
  const options: Record<string, string> = {};
  for (let i = 0; i < args.length; i++) {
    const arg = args[i];
    const option = /^--(from|version|input)(?:=(.*))?$/s.exec(arg);
    if (option) {
      const value = option[2] ?? args[++i];
      if (value === undefined) throw new UsageError(`--${option[1]} needs a value`);
      options[option[1]] = value;
    } else if (arg.startsWith("-")) {
      throw new UsageError(`unknown option ${arg}`);
    } else if (runId === undefined) {
      runId = arg;
    } else {
      throw new UsageError(`unexpected argument ${arg}; rerun takes one run id`);
    }
  }
  if (runId === undefined) throw new UsageError("rerun needs the id of the run to re-run");
  if (!UUID.test(runId)) throw new UsageError(`"${runId}" is not a run id`);
  const version = options.version ?? "pinned";
  if (version !== "pinned" && version !== "latest") {
    throw new UsageError("--version is pinned or latest");
  }
  let inputs: Record<string, unknown> | undefined;
  if (options.input !== undefined) {
    let parsed: unknown;
    try {
      parsed = JSON.parse(options.input);
    } catch (error) {
      throw new UsageError(`--input is not valid JSON: ${(error as Error).message}`);
    }
    if (parsed === null || typeof parsed !== "object" || Array.isArray(parsed)) {
      throw new UsageError("--input must be a JSON object");
    }
    inputs = parsed as Record<string, unknown>;
  }
  return { runId, from: options.from ?? "failed", version, inputs };
}

export function createRerunCommand(options: { registry?: ActionRegistry } = {}): CliCommand {
  return {
    name: "rerun",
    usage:
      "rerun <runId> [--from failed|start|<stepId>] [--version pinned|latest] [--input '<json>']",
    summary:
      "re-run a run `run` kept in DATABASE_URL, reusing what succeeded before where it starts",
    help: [
      "--from failed      start at the step the run failed at (default); start: run everything;",
      "                   <stepId>: that step and everything after it",
      "--version pinned   the plan version the run pinned (default); latest: the approved one",
      "--input '<json>'   edited inputs (a manual run's inputs, a webhook's body, an event's data)",
      "rerun needs DATABASE_URL (where `run` kept the run); it prints `run <runId>` first",
      "rerun exits 0 when the new run succeeded, 1 when it failed",
    ],
    run: async (args, io) => rerun(parseArgs(args), io, options.registry),
  };
}

export const rerunCommand = createRerunCommand();

async function rerun(args: RerunArgs, io: CliIo, injectedRegistry?: ActionRegistry) {
  const { env } = await import("@/lib/env");
  if (!env().DATABASE_URL) {
    throw new UsageError(
      "rerun needs DATABASE_URL: the run to re-run is in the database `plan run` kept it in",
    );
  }
  const { actionRegistry } = await import("@/lib/actions/registry");
  const engine = await openCliEngine({ registry: injectedRegistry ?? actionRegistry });
  try {
    const { startRerun } = await import("@/lib/runs/rerun");
    const { AppError } = await import("@/lib/errors");
    let started: Awaited<ReturnType<typeof startRerun>>;
    try {
      started = await startRerun({ userId: engine.userId, client: engine.client, ...args });
    } catch (error) {
      if (!(error instanceof AppError)) throw error;
      io.stderr(`plan rerun: ${error.message}`);
      return EXIT.failed;
    }
    const { run, preview } = started;
    io.stdout(`run ${run.id}`);
    const where = preview.fromStep ? `from ${preview.fromStep}` : "from the start";
    io.stdout(`Re-running run ${args.runId} ${where} on the ${preview.version} version`);
    const ended = await engine.follow(run.id, io);
    return ended.status === "succeeded" ? EXIT.ok : EXIT.failed;
  } finally {
    await engine.close();
  }
}
