// `npm run plan -- validate <file>`: spawned for real for the exit codes, and in-process for
// the finer cases.
import { execFile } from "node:child_process";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { promisify } from "node:util";
import { describe, expect, it } from "vitest";
import { main, usageText } from "@/inngest/cli/plan";

const run = promisify(execFile);
const root = path.join(import.meta.dirname, "../../..");
const fixtures = path.join(root, "tests/fixtures/plans");

async function spawnPlan(
  args: string[],
): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    const { stdout, stderr } = await run("npx", ["tsx", "inngest/cli/plan.ts", ...args], {
      cwd: root,
    });
    return { code: 0, stdout, stderr };
  } catch (error) {
    const e = error as { code: number; stdout: string; stderr: string };
    return { code: e.code, stdout: e.stdout, stderr: e.stderr };
  }
}

async function inProcess(args: string[]) {
  const stdout: string[] = [];
  const stderr: string[] = [];
  const code = await main(args, { stdout: (l) => stdout.push(l), stderr: (l) => stderr.push(l) });
  return { code, stdout: stdout.join("\n"), stderr: stderr.join("\n") };
}

function tempFile(name: string, content: string): string {
  const dir = mkdtempSync(path.join(tmpdir(), "plan-cli-"));
  const file = path.join(dir, name);
  writeFileSync(file, content);
  return file;
}

describe("plan CLI (spawned)", () => {
  it("prints the summary of a valid plan and exits 0", async () => {
    const result = await spawnPlan([
      "validate",
      path.join(fixtures, "morning-incident-digest.json"),
    ]);
    expect(result.code).toBe(0);
    expect(result.stdout.split("\n").slice(0, 2)).toEqual([
      "Morning incident digest",
      "Every weekday at 07:30 (Europe/Berlin): call GET status.example.com/api/incidents, then write text with AI and email {{ user.email }} (only if $count(steps.fetch.output.body[severity = 'sev-1']) > 0), then post in this chat.",
    ]);
    expect(result.stdout).toMatch(/^Next runs: /m);
  }, 30_000);

  it("prints every error as <path>: <message> and exits 1", async () => {
    const plan = {
      version: 1,
      title: "Broken",
      trigger: { type: "manual" },
      steps: [
        { id: "a", action: "http.get", input: {} },
        { id: "b", action: "chat.post", after: ["c"], input: { text: "{{ steps.a.output" } },
      ],
    };
    const result = await spawnPlan(["validate", tempFile("broken.json", JSON.stringify(plan))]);
    expect(result.code).toBe(1);
    expect(result.stdout.trim().split("\n")).toEqual([
      'steps[1].after[0]: unknown step "c"',
      'steps[0].action: unknown action "http.get" (did you mean "http.request"?)',
      'steps[1].input.text: "{{" at character 1 is never closed with "}}"',
    ]);
  }, 30_000);

  it("explains broken JSON in one line and exits 1; usage errors exit 2", async () => {
    const broken = await spawnPlan(["validate", tempFile("bad.json", "{ nope")]);
    expect(broken.code).toBe(1);
    expect(broken.stderr.trim().split("\n")).toHaveLength(1);
    expect(broken.stderr).toContain("bad.json is not valid JSON: ");
    const usage = await spawnPlan(["frobnicate"]);
    expect(usage.code).toBe(2);
    expect(usage.stderr).toContain('unknown command "frobnicate"');
  }, 30_000);
});

describe("plan CLI (in process)", () => {
  it("reports a missing file in one line", async () => {
    const result = await inProcess(["validate", "/nonexistent/plan.json"]);
    expect(result).toEqual({
      code: 1,
      stdout: "",
      stderr: "cannot read /nonexistent/plan.json: no such file",
    });
  });

  it("exits 2 without a file, with extra arguments or unknown options", async () => {
    expect((await inProcess(["validate"])).code).toBe(2);
    expect((await inProcess(["validate", "a.json", "b.json"])).stderr).toContain(
      "validate takes one file",
    );
    expect((await inProcess(["validate", "--bogus", "a.json"])).stderr).toContain(
      "unknown option --bogus",
    );
    expect((await inProcess([])).code).toBe(2);
  });

  it("documents its commands and the exit codes", async () => {
    const help = await inProcess(["--help"]);
    expect(help.code).toBe(0);
    expect(help.stdout).toBe(usageText());
    expect(help.stdout).toContain("validate <file.json>");
    expect(help.stdout).toMatch(
      /^\s+run <file\.json> \[--input '<json>'\] \[--trigger '<json>'\] \[--secrets-file <file>\]/m,
    );
    expect(help.stdout).toMatch(
      /^\s+test <file\.json> \[--input '<json>'\] \[--trigger '<json>'\] \[--secrets-file <file>\] \[--wait <stepId>=approved\|rejected\|timeout\|event\]/m,
    );
    expect(help.stdout).toContain(
      "Exit codes: 0 success, 1 invalid plan, unreadable file or a (test) run that fails, 2 usage error.",
    );
  });

  it("checks secret names when given --secrets", async () => {
    const file = path.join(fixtures, "signup-to-slack.json");
    expect((await inProcess(["validate", file, "--secrets", "SLACK_WEBHOOK"])).code).toBe(0);
    const missing = await inProcess(["validate", file, "--secrets=OTHER"]);
    expect(missing.code).toBe(1);
    expect(missing.stdout).toBe(
      'steps[0].input.webhook: secrets.SLACK_WEBHOOK: no secret named "SLACK_WEBHOOK"; stored secrets: OTHER',
    );
  });

  it("prints warnings on stderr without failing", async () => {
    const plan = {
      version: 1,
      title: "Warn",
      trigger: { type: "manual" },
      steps: [{ id: "a", action: "chat.post", concurrency: 3, input: { text: "steps.x.output" } }],
    };
    const result = await inProcess(["validate", tempFile("warn.json", JSON.stringify(plan))]);
    expect(result.code).toBe(0);
    expect(result.stderr.split("\n")).toEqual([
      "warning: steps[0].concurrency: has no effect without forEach",
      'warning: steps[0].input.text: "steps.x.output" looks like an expression but is plain text; write "{{ steps.x.output }}" to use its value',
    ]);
  });
});
