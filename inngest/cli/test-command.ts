// `plan test <file.json> [--input '<json>'] [--trigger '<json>'] [--secrets-file <f>]
// [--wait <stepId>=approved|rejected|timeout|event] [--event-data <stepId>='<json>']`: runs a plan file once as a test run
// (lib/runs/test-run.ts) on the embedded executor: reads run for real (HTTP GET and HEAD, the
// store, transforms, the model), every side effect is simulated, each wait goes the way
// --wait says (default: it times out) at once; a wait.event that goes `event` receives
// --event-data's JSON (default: an example of its named event). Prints `run <runId>`, then each step in run
// order as `ran`, `simulated` (with what it would send), `skipped: <reason>`, `not reached:
// <reason>` or `failed`, then the verdict. Exit 0 when the plan would succeed, 1 when a step
// would fail, 2 for a usage error (a webhook or event plan without --trigger among them).
import type { ActionRegistry } from "@/lib/actions/registry";
import type { WouldSend } from "@/lib/plan/effects";
import { countsInWords, type TestReport, type TestStepResult } from "@/lib/runs/test-report";
import { compact, openCliEngine } from "./cli-engine";
import { type CliCommand, type CliIo, EXIT, UsageError } from "./command";

import { cliVersion } from "./run-command";
import {
  checkRunOptions,
  parseRunOptions,
  RUN_OPTION_HELP,
  type RunOptions,
  readSecretsFile,
  readValidPlan,
} from "./run-options";

export function createTestCommand(options: { registry?: ActionRegistry } = {}): CliCommand {
  return {
    name: "test",
    usage:
      "test <file.json> [--input '<json>'] [--trigger '<json>'] [--secrets-file <file>] [--wait <stepId>=approved|rejected|timeout|event] [--event-data <stepId>='<json>']",
    summary:
      "test a plan once with every side effect simulated; print what each step did or would send",
    help: [
      ...RUN_OPTION_HELP,
      "--wait <step>=<way>      how a wait goes in the test (default timeout); repeat per wait",
      "--event-data <step>='<json>'  what arrives at a wait.event that goes event (its event's data;",
      "                         default an example of that event); implies --wait <step>=event",
      "test runs reads for real (HTTP GET/HEAD, store.get, transform, ai.generate) and simulates",
      "the rest (email, Slack, chat posts, other HTTP methods, store.set, workflow.run, MCP tools",
      "not marked read-only); each step prints as ran, simulated, skipped, not reached or failed",
      "test exits 0 when the plan would succeed, 1 when a step would fail",
    ],
    run: async (args, io) =>
      testPlanFile(parseRunOptions(args, { command: "test", waits: true }), io, options.registry),
  };
}

export const testCommand = createTestCommand();

async function testPlanFile(
  options: RunOptions,
  io: CliIo,
  injectedRegistry?: ActionRegistry,
): Promise<number> {
  const checked = await readValidPlan(options.file, io, injectedRegistry);
  if (!checked) return EXIT.failed;
  const { registry } = checked;
  const { testWaits } = await import("@/lib/runs/test-run");
  const { AppError } = await import("@/lib/errors");
  let test: ReturnType<typeof testWaits>;
  try {
    test = testWaits(checked.plan, { waits: options.waits, eventData: options.eventData });
  } catch (error) {
    if (error instanceof AppError) {
      const flag = Object.keys(options.eventData).length > 0 ? "--wait/--event-data" : "--wait";
      throw new UsageError(`${flag}: ${error.message}`);
    }
    throw error;
  }
  const secrets = await readSecretsFile(options.secretsFile);
  const ready = await checkRunOptions(checked.plan, options, secrets, io, registry);
  if ("exit" in ready) return ready.exit;

  const engine = await openCliEngine({ registry, secrets });
  try {
    const version = await cliVersion(engine.userId, checked.plan, { approve: false });
    const { createRun } = await import("@/lib/db/run-queries");
    const { requestRun } = await import("@/lib/runs/start-run");
    const run = await createRun({
      id: crypto.randomUUID(),
      workflowId: version.workflowId,
      versionId: version.versionId,
      userId: engine.userId,
      trigger: ready.trigger,
      test,
    });
    await requestRun({ run, client: engine.client });
    io.stdout(`run ${run.id}`);
    io.stdout(`Testing "${checked.plan.title}": side effects are simulated, nothing is sent`);
    await engine.finished(run.id);
    const report = await reportOf(run.id, engine.userId);
    for (const step of report.steps) for (const line of stepLines(step)) io.stdout(line);
    io.stdout(verdict(report));
    return report.status === "succeeded" ? EXIT.ok : EXIT.failed;
  } finally {
    await engine.close();
  }
}

/** The ended test's report, read like the run card reads it. */
async function reportOf(runId: string, userId: string): Promise<TestReport> {
  const { getRunView, getRunPlan } = await import("@/lib/runs/view");
  const { listRunEvents } = await import("@/lib/db/run-queries");
  const { toWireRunView } = await import("@/lib/runs/wire");
  const { testReport } = await import("@/lib/runs/test-report");
  const records = await getRunView({ userId, runId });
  // Every log entry (a loop's item count is in its own), not just the view's newest.
  const events = await listRunEvents({ runId, limit: 100_000 });
  const plan = await getRunPlan({ run: records.run, steps: records.steps });
  return testReport(toWireRunView({ ...records, events, ...plan }));
}

const MARKS: Record<TestStepResult["outcome"], string> = {
  ran: "✓",
  simulated: "~",
  skipped: "-",
  "not reached": "·",
  failed: "✗",
  pending: "·",
  running: "…",
  waiting: "…",
};

/** One step: `✓ fetch  ran  {…}`, `~ mail  simulated  email to …` and what it would send. */
export function stepLines(step: TestStepResult): string[] {
  const head = `${MARKS[step.outcome]} ${step.stepId}`;
  switch (step.outcome) {
    case "ran":
      return [`${head}  ran  ${compact(step.output)}`];
    case "simulated": {
      const sends = step.wouldSend ?? [];
      if (sends.length === 1)
        return [`${head}  simulated  ${sends[0].summary}`, ...details(sends[0])];
      return [
        `${head}  simulated  ${sends.length} items`,
        ...sends.flatMap((send, i) => [`    [${i}] ${send.summary}`, ...details(send, "      ")]),
      ];
    }
    case "skipped":
      return [`${head}  skipped: ${step.reason ?? ""}`];
    case "not reached":
      return [`${head}  not reached: ${step.reason ?? ""}`];
    case "failed":
      return [`${head}  failed  ${step.error ?? ""}`];
    default:
      return [`${head}  ${step.outcome}`];
  }
}

/** What a simulated step would send, one field a line (the summary already says the rest). */
function details(send: WouldSend, indent = "    "): string[] {
  const lines: string[] = [];
  const add = (label: string, value: unknown) => {
    if (value === undefined || value === null || value === "") return;
    lines.push(`${indent}${label}: ${typeof value === "string" ? value : compact(value, 400)}`);
  };
  add("from", send.from);
  if (send.to) add("to", `${send.to.join(", ")}${send.outside ? " (someone outside)" : ""}`);
  else if (send.outside) lines.push(`${indent}contacts someone outside`);
  add("cc", send.cc?.join(", "));
  add("reply to", send.replyTo);
  add("subject", send.subject);
  if (send.method || send.url) add("request", `${send.method ?? ""} ${send.url ?? ""}`.trim());
  add("headers", send.headers);
  add("key", send.key);
  add("ttl", send.ttl);
  add("workflow", send.workflow ? `${send.workflow.title} (${send.workflow.id})` : undefined);
  add("tool", send.server && send.tool ? `${send.server}.${send.tool}` : undefined);
  // A one-line text the summary already quotes whole is not repeated.
  const quoted =
    send.body !== undefined && !send.body.includes("\n") && send.summary.includes(`"${send.body}"`);
  if (send.body !== undefined && send.body !== "" && !quoted) {
    const label = send.kind === "approval" ? "asks" : "body";
    const [first, ...rest] = send.body.split("\n");
    const pad = " ".repeat(label.length + 2);
    lines.push(`${indent}${label}: ${first}`, ...rest.map((line) => `${indent}${pad}${line}`));
  }
  // A wait's payload is what reached it (the event's data), not something it sends.
  add(send.branch ? "arrived" : "payload", send.payload);
  return lines;
}

function verdict(report: TestReport): string {
  const counts = countsInWords(report.counts);
  if (report.status === "succeeded") return `Test passed: the plan would succeed (${counts}).`;
  if (report.status === "cancelled") return `Test cancelled (${counts}).`;
  const failed = report.steps.find((step) => step.outcome === "failed");
  const what = failed
    ? `step "${failed.stepId}" would fail: ${failed.error}`
    : "the plan would fail";
  return `Test failed: ${what} (${counts}).`;
}
