// `plan validate <file.json>`: the human summary of a valid plan, or every error with its path.
import { actionRegistry } from "@/lib/actions/registry";
import { nextFireTimes } from "@/lib/plan/schedule";
import { summarizePlan } from "@/lib/plan/summary";
import { localIsoString } from "@/lib/plan/timezone";
import { formatIssues, validatePlan } from "@/lib/plan/validate";
import { type CliCommand, EXIT, UsageError } from "./command";
import { readJsonFile } from "./read-plan-file";

function parseArgs(args: readonly string[]): { file: string; secrets?: string[] } {
  let file: string | undefined;
  let secrets: string[] | undefined;
  for (let i = 0; i < args.length; i++) {
    const arg = args[i];
    if (arg === "--secrets") {
      const value = args[++i];
      if (value === undefined)
        throw new UsageError("--secrets needs a comma-separated list of names");
      secrets = value
        .split(",")
        .map((name) => name.trim())
        .filter(Boolean);
    } else if (arg.startsWith("--secrets=")) {
      secrets = arg
        .slice("--secrets=".length)
        .split(",")
        .map((name) => name.trim())
        .filter(Boolean);
    } else if (arg.startsWith("-")) {
      throw new UsageError(`unknown option ${arg}`);
    } else if (file === undefined) {
      file = arg;
    } else {
      throw new UsageError(`unexpected argument ${arg}; validate takes one file`);
    }
  }
  if (file === undefined) throw new UsageError("validate needs a plan file");
  return { file, secrets };
}

export const validateCommand: CliCommand = {
  name: "validate",
  usage: "validate <file.json> [--secrets NAME,NAME]",
  summary: "check a plan file; print its summary, or every error as <path>: <message>",
  help: ["--secrets NAME,NAME   also report secrets.<name> references not in this list"],
  async run(args, io) {
    const { file, secrets } = parseArgs(args);
    const read = await readJsonFile(file);
    if (!read.ok) {
      io.stderr(read.message);
      return EXIT.failed;
    }
    const result = validatePlan(read.value, { catalog: actionRegistry, secrets });
    for (const line of formatIssues(result.warnings)) io.stderr(`warning: ${line}`);
    if (!result.ok) {
      for (const line of formatIssues(result.errors)) io.stdout(line);
      return EXIT.failed;
    }
    io.stdout(summarizePlan(result.plan, { catalog: actionRegistry }));
    const trigger = result.plan.trigger;
    if (trigger.type === "schedule") {
      const next = nextFireTimes(trigger, 3, new Date());
      if (next.length > 0) {
        io.stdout(
          `Next runs: ${next.map((d) => localIsoString(d.getTime(), trigger.timezone)).join(", ")}`,
        );
      }
    }
    return EXIT.ok;
  },
};
