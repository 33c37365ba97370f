// What `plan run` and `plan test` take besides the plan file: the manual trigger's inputs
// (--input), a webhook's request body or an event's data (--trigger), the secrets to run with
// (--secrets-file), and for `test` the way each wait goes (--wait <step>=<branch>) and what
// arrives at a wait.event that goes `event` (--event-data <step>='<json>'); and how a
// CLI run is created from them (the same trigger shapes the app's triggers write).
import { readFile } from "node:fs/promises";
import type { ActionRegistry } from "@/lib/actions/registry";
import { ASK_WAIT, WAIT_BRANCHES, type WaitBranch } from "@/lib/plan/effects";
import type { Plan } from "@/lib/plan/schema";
import { type CliIo, EXIT, UsageError } from "./command";
import { readJsonFile } from "./read-plan-file";

export type RunOptions = {
  file: string;
  inputs?: Record<string, unknown>;
  /** A webhook's body or an event's data, as given (any JSON value). */
  payload?: unknown;
  secretsFile?: string;
  /** `test` only: step id → branch. */
  waits: Record<string, WaitBranch>;
  /** `test` only: step id → what arrives at that wait.event (its event's data). */
  eventData: Record<string, unknown>;
};

/** The option lines `--help` prints for both commands. */
export const RUN_OPTION_HELP = [
  "--input '<json>'         the manual trigger's inputs, e.g. --input '{\"city\":\"Paris\"}'",
  "--trigger '<json>'       a webhook plan's request body, an event plan's data (required for those)",
  "--secrets-file <file>    secrets to run with: NAME=value lines (# comments) or a JSON object;",
  "                         kept in memory only, never stored",
];

function jsonOption(name: string, text: string): unknown {
  try {
    return JSON.parse(text);
  } catch (error) {
    throw new UsageError(`--${name} is not valid JSON: ${(error as Error).message}`);
  }
}

/** Parses `<file> [--input j] [--trigger j] [--secrets-file f] [--wait s=b]…`. */
export function parseRunOptions(
  args: readonly string[],
  { command, waits: allowWaits }: { command: string; waits: boolean },
): RunOptions {
  let file: string | undefined;
  const options: RunOptions = { file: "", waits: {}, eventData: {} };
  const names = allowWaits
    ? "input|trigger|secrets-file|wait|event-data"
    : "input|trigger|secrets-file";
  const pattern = new RegExp(`^--(${names})(?:=(.*))?$`, "s");
  for (let i = 0; i < args.length; i++) {
    const arg = args[i];
    const option = pattern.exec(arg);
    if (option) {
      const value = option[2] ?? args[++i];
      if (value === undefined) throw new UsageError(`--${option[1]} needs a value`);
      switch (option[1]) {
        case "input": {
          const inputs = jsonOption("input", value);
          if (inputs === null || typeof inputs !== "object" || Array.isArray(inputs)) {
            throw new UsageError("--input must be a JSON object of the plan's inputs");
          }
          options.inputs = inputs as Record<string, unknown>;
          break;
        }
        case "trigger":
          options.payload = jsonOption("trigger", value);
          break;
        case "secrets-file":
          options.secretsFile = value;
          break;
        case "event-data": {
          const data = /^([^=]+)=(.*)$/s.exec(value);
          if (!data) throw new UsageError(`--event-data is <stepId>='<json>' (got "${value}")`);
          options.eventData[data[1]] = jsonOption(`event-data ${data[1]}`, data[2]);
          break;
        }
        default: {
          const wait = /^([^=]+)=(.*)$/.exec(value);
          if (wait?.[2] === ASK_WAIT) {
            throw new UsageError(
              `--wait ${wait[1]}=${ASK_WAIT}: the command line cannot ask during a test; pick the way before it (${WAIT_BRANCHES.join("|")}), or test in the app to choose on the test's card`,
            );
          }
          if (!wait || !(WAIT_BRANCHES as readonly string[]).includes(wait[2])) {
            throw new UsageError(`--wait is <stepId>=${WAIT_BRANCHES.join("|")} (got "${value}")`);
          }
          options.waits[wait[1]] = wait[2] as WaitBranch;
        }
      }
    } else if (arg.startsWith("-")) {
      throw new UsageError(`unknown option ${arg}`);
    } else if (file === undefined) {
      file = arg;
    } else {
      throw new UsageError(`unexpected argument ${arg}; ${command} takes one file`);
    }
  }
  if (file === undefined) throw new UsageError(`${command} needs a plan file`);
  return { ...options, file };
}

const SECRET_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;

/** `NAME=value` lines (blank lines and `#` comments skipped, values may be quoted) or JSON. */
export function parseSecretsText(text: string, file: string): Record<string, string> {
  const trimmed = text.trim();
  const secrets: Record<string, string> = {};
  if (trimmed.startsWith("{")) {
    let parsed: unknown;
    try {
      parsed = JSON.parse(trimmed);
    } catch (error) {
      throw new UsageError(`${file} is not valid JSON: ${(error as Error).message}`);
    }
    for (const [name, value] of Object.entries(parsed as Record<string, unknown>)) {
      if (!SECRET_NAME.test(name) || typeof value !== "string") {
        throw new UsageError(`${file}: "${name}" must be a secret name with a string value`);
      }
      secrets[name] = value;
    }
    return secrets;
  }
  for (const [index, raw] of text.split(/\r?\n/).entries()) {
    const line = raw.trim();
    if (line === "" || line.startsWith("#")) continue;
    const match = /^(?:export\s+)?([^=\s]+)\s*=\s*(.*)$/.exec(line);
    if (!match || !SECRET_NAME.test(match[1])) {
      throw new UsageError(`${file}:${index + 1}: expected NAME=value`);
    }
    const value = match[2];
    const quoted = /^(["'])(.*)\1$/.exec(value);
    secrets[match[1]] = quoted ? quoted[2] : value;
  }
  return secrets;
}

export async function readSecretsFile(file: string | undefined): Promise<Record<string, string>> {
  if (file === undefined) return {};
  let text: string;
  try {
    text = await readFile(file, "utf8");
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    throw new UsageError(
      `cannot read ${file}: ${code === "ENOENT" ? "no such file" : (error as Error).message}`,
    );
  }
  return parseSecretsText(text, file);
}

/** Checks a run's options against its plan; answers with the exit code to stop with, if any. */
export async function checkRunOptions(
  plan: Plan,
  options: RunOptions,
  secrets: Record<string, string>,
  io: CliIo,
  registry: ActionRegistry,
): Promise<{ trigger: Record<string, unknown> } | { exit: number }> {
  const { triggerPayload } = await import("@/lib/runs/trigger-payload");
  const { formatIssues } = await import("@/lib/plan/validate");
  const { findSecretReferences } = await import("@/lib/plan/secrets");
  const built = triggerPayload(plan.trigger, {
    inputs: options.inputs,
    payload: options.payload,
    now: new Date(),
  });
  if (!built.ok) {
    if (built.reason === "inputs") {
      for (const line of formatIssues(built.errors)) io.stderr(`--input ${line}`);
      return { exit: EXIT.failed };
    }
    // Running a webhook plan on nothing would "succeed" on empty data: that is a usage error.
    const flag = built.reason === "payload-needed" ? "--trigger '<json>'" : "--input";
    io.stderr(`${built.message} Use ${flag}.`);
    return { exit: EXIT.usage };
  }
  if (options.inputs !== undefined && plan.trigger.type !== "manual") {
    io.stderr(`This plan runs on a ${plan.trigger.type}: it takes --trigger, not --input.`);
    return { exit: EXIT.usage };
  }
  const missing = [
    ...new Set(
      findSecretReferences(plan, { catalog: registry })
        .map((ref) => ref.name)
        .filter((name) => !(name in secrets)),
    ),
  ];
  if (missing.length > 0) {
    io.stderr(
      `The plan uses secrets you did not give: ${missing.join(", ")}. Put them in a file (NAME=value lines) and pass --secrets-file <file>.`,
    );
    return { exit: EXIT.failed };
  }
  return { trigger: built.trigger };
}

/**
 * The plan file `run` and `test` take, read and validated against the action catalog; on a
 * problem it says what (to stderr, or the plan's issues to stdout) and answers undefined.
 */
export async function readValidPlan(
  file: string,
  io: CliIo,
  injectedRegistry?: ActionRegistry,
): Promise<{ plan: Plan; registry: ActionRegistry } | undefined> {
  const read = await readJsonFile(file);
  if (!read.ok) {
    io.stderr(read.message);
    return undefined;
  }
  const { actionRegistry } = await import("@/lib/actions/registry");
  const registry = injectedRegistry ?? actionRegistry;
  const { formatIssues, validatePlan } = await import("@/lib/plan/validate");
  const checked = validatePlan(read.value, { catalog: registry });
  if (!checked.ok) {
    for (const line of formatIssues(checked.errors)) io.stdout(line);
    return undefined;
  }
  return { plan: checked.plan, registry };
}
