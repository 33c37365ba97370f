// `plan run <file.json> [--input '<json>'] [--trigger '<json>'] [--secrets-file <f>]`: runs a
// plan file once on the embedded executor, with a scratch in-memory PGlite database (or
// DATABASE_URL when set) and a local CLI user, printing `run <runId>` first, then each step as
// it finishes, a chat post's text under its step. A webhook or event plan needs --trigger (its
// request body or event data): run on nothing it would seem to work, so it is refused (exit 2).
// With DATABASE_URL the run, the CLI user and its workflow stay: a later `plan run` of the same
// plan reuses the workflow (a changed plan becomes its new approved version) and `plan rerun
// <runId>` re-runs the run.
import type { ActionRegistry } from "@/lib/actions/registry";
import type { Plan } from "@/lib/plan/schema";
import { openCliEngine } from "./cli-engine";
import { type CliCommand, type CliIo, EXIT } from "./command";

import {
  checkRunOptions,
  parseRunOptions,
  RUN_OPTION_HELP,
  type RunOptions,
  readSecretsFile,
  readValidPlan,
} from "./run-options";

export function createRunCommand(options: { registry?: ActionRegistry } = {}): CliCommand {
  return {
    name: "run",
    usage: "run <file.json> [--input '<json>'] [--trigger '<json>'] [--secrets-file <file>]",
    summary: "run a plan once on the embedded executor and print each step; exit 1 if it fails",
    help: [
      ...RUN_OPTION_HELP,
      "run prints `run <runId>` first; it uses a scratch in-memory database unless DATABASE_URL is",
      "set, where the run is kept for `rerun`; chat posts are printed under their step",
      "run exits 0 when the run succeeded, 1 when it failed, 2 for a webhook or event plan",
      "without --trigger",
    ],
    run: async (args, io) =>
      runPlanFile(parseRunOptions(args, { command: "run", waits: false }), io, options.registry),
  };
}

export const runCommand = createRunCommand();

async function runPlanFile(
  options: RunOptions,
  io: CliIo,
  injectedRegistry?: ActionRegistry,
): Promise<number> {
  const checked = await readValidPlan(options.file, io, injectedRegistry);
  if (!checked) return EXIT.failed;
  const { registry } = checked;
  const secrets = await readSecretsFile(options.secretsFile);
  const ready = await checkRunOptions(checked.plan, options, secrets, io, registry);
  if ("exit" in ready) return ready.exit;

  const engine = await openCliEngine({ registry, secrets });
  try {
    const version = await cliVersion(engine.userId, checked.plan, { approve: true });
    const { createRun } = await import("@/lib/db/run-queries");
    const { requestRun } = await import("@/lib/runs/start-run");
    const run = await createRun({
      id: crypto.randomUUID(),
      workflowId: version.workflowId,
      versionId: version.versionId,
      userId: engine.userId,
      trigger: ready.trigger,
    });
    await requestRun({ run, client: engine.client });
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
 * The CLI user's workflow for this plan (the one with its title, else a new one) and the
 * version that holds the plan: its approved one when unchanged, else a new version, approved
 * when `approve` (so a re-run on the latest version picks the change up; a test approves
 * nothing).
 */
export async function cliVersion(
  userId: string,
  plan: Plan,
  { approve }: { approve: boolean },
): Promise<{ workflowId: string; versionId: string }> {
  const { addWorkflowVersion, approveWorkflowVersion, createWorkflow, getWorkflowByTitle } =
    await import("@/lib/db/workflow-queries");
  const { loadPinnedPlan } = await import("@/lib/workflows/pinned-plan");
  const { diffPlans } = await import("@/lib/plan/diff");
  const existing = await getWorkflowByTitle({ userId, title: plan.title });
  if (existing?.activeVersionId) {
    const active = await loadPinnedPlan({ userId, versionId: existing.activeVersionId });
    if (active.ok && diffPlans(active.plan, plan).unchanged) {
      return { workflowId: existing.id, versionId: existing.activeVersionId };
    }
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
  if (approve) {
    await approveWorkflowVersion({ userId, workflowId: workflow.id, versionId: version.id });
  }
  return { workflowId: workflow.id, versionId: version.id };
}
