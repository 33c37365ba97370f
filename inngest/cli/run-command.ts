// `plan run <file.json> [--input '<json>']`: runs a plan file once on the embedded executor,
// with a scratch in-memory PGlite database (or DATABASE_URL when set) and a local CLI user,
// printing `run <runId>` first, then each step as it finishes. With DATABASE_URL the run, the
// CLI user and its workflow stay: a later `plan run` of the same plan reuses the workflow (a
// changed plan becomes its new approved version) and `plan rerun <runId>` re-runs the run.
import type { ActionRegistry } from "@/lib/actions/registry";
import type { Plan } from "@/lib/plan/schema";
import { openCliEngine } from "./cli-engine";
import { type CliCommand, type CliIo, EXIT, UsageError } from "./command";
import { readJsonFile } from "./read-plan-file";

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

export function createRunCommand(options: { registry?: ActionRegistry } = {}): CliCommand {
  return {
    name: "run",
    usage: "run <file.json> [--input '<json>']",
    summary: "run a plan once on the embedded executor and print each step; exit 1 if it fails",
    help: [
      "--input '<json>'   the manual trigger's inputs, e.g. --input '{\"city\":\"Paris\"}'",
      "run prints `run <runId>` first; it uses a scratch in-memory database unless DATABASE_URL is",
      "set, where the run is kept for `rerun`",
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

  const engine = await openCliEngine({ registry });
  try {
    const workflowId = await cliWorkflow(engine.userId, checked.plan);
    const { startRun } = await import("@/lib/runs/start-run");
    const run = await startRun({
      userId: engine.userId,
      workflowId,
      inputs: inputs.inputs,
      client: engine.client,
    });
    // The first line is the contract scripts read: `run <runId>`.
    io.stdout(`run ${run.id}`);
    io.stdout(`Running "${checked.plan.title}"`);
    const ended = await engine.follow(run.id, io);
    return ended.status === "succeeded" ? EXIT.ok : EXIT.failed;
  } finally {
    await engine.close();
  }
}

/**
 * The CLI user's workflow for this plan: the one with its title, given a new approved version
 * when the plan changed (so a re-run on the latest version picks the change up), else a new one.
 */
async function cliWorkflow(userId: string, plan: Plan): Promise<string> {
  const { addWorkflowVersion, approveWorkflowVersion, createWorkflow, getWorkflowByTitle } =
    await import("@/lib/db/workflow-queries");
  const { loadPinnedPlan } = await import("@/lib/workflows/pinned-plan");
  const { diffPlans } = await import("@/lib/plan/diff");
  const existing = await getWorkflowByTitle({ userId, title: plan.title });
  if (existing?.activeVersionId) {
    const active = await loadPinnedPlan({ userId, versionId: existing.activeVersionId });
    if (active.ok && diffPlans(active.plan, plan).unchanged) return existing.id;
  }
  const { workflow, version } = existing
    ? await addWorkflowVersion({
        userId,
        workflowId: existing.id,
        title: plan.title,
        plan,
        author: "person",
      })
    : await createWorkflow({ userId, title: plan.title, plan, author: "person" });
  await approveWorkflowVersion({ userId, workflowId: workflow.id, versionId: version.id });
  return workflow.id;
}
