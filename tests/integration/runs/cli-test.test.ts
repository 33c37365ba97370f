// `npm run plan -- test` and the options `run` shares with it (--trigger, --secrets-file), on
// the embedded executor with the CLI's scratch database. A loopback HTTP fixture and an SMTP
// sink count what reaches them: a test sends nothing but GETs, and nothing by mail.
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { main } from "@/inngest/cli/plan";
import { parseSecretsText } from "@/inngest/cli/run-options";
import { resetEnvForTests } from "@/lib/env";
import { startHttpTarget } from "@/tests/fixtures/http-target";
import { startSmtpSink } from "@/tests/fixtures/smtp-server";

const target = await startHttpTarget();
const smtp = await startSmtpSink();
const saved = {
  HTTP_ALLOWLIST: process.env.HTTP_ALLOWLIST,
  DATABASE_URL: process.env.DATABASE_URL,
};
process.env.HTTP_ALLOWLIST = `127.0.0.1:${target.port}`;
// The CLI's own scratch database, whatever the environment has.
delete process.env.DATABASE_URL;
resetEnvForTests();

const dir = mkdtempSync(path.join(tmpdir(), "plan-test-"));
const API_TOKEN = "tok-cli-5b4a39281706";

afterAll(async () => {
  for (const [name, value] of Object.entries(saved)) {
    if (value === undefined) delete process.env[name];
    else process.env[name] = value;
  }
  resetEnvForTests();
  rmSync(dir, { recursive: true, force: true });
  await target.close();
  await smtp.close();
});

function file(name: string, content: unknown): string {
  const where = path.join(dir, name);
  writeFileSync(where, typeof content === "string" ? content : JSON.stringify(content));
  return where;
}

async function plan(args: string[]) {
  const stdout: string[] = [];
  const stderr: string[] = [];
  const code = await main(args, { stdout: (l) => stdout.push(l), stderr: (l) => stderr.push(l) });
  return { code, stdout, stderr };
}

const secrets = file(
  "secrets.env",
  [
    "# the CLI's secrets",
    `API_TOKEN=${API_TOKEN}`,
    `SLACK_WEBHOOK="${target.url}/slack/cli"`,
    `SMTP_URL=${smtp.url}?from=bot@flowchat.test`,
  ].join("\n"),
);

const everything = file("everything.json", {
  version: 1,
  title: "Everything",
  trigger: { type: "manual", inputs: { who: { type: "string", default: "Ana" } } },
  steps: [
    { id: "fetch", action: "http.request", input: { url: `${target.url}/json?cli=1` } },
    {
      id: "post",
      action: "http.request",
      after: ["fetch"],
      input: {
        url: `${target.url}/echo/cli`,
        method: "POST",
        headers: { Authorization: "Bearer {{ secrets.API_TOKEN }}" },
        body: { n: "{{ $count(steps.fetch.output.body.items) }}" },
      },
    },
    {
      id: "mail",
      action: "email.send",
      after: ["fetch"],
      input: { to: "boss@example.com", subject: "Hi {{ trigger.inputs.who }}", text: "Two open" },
    },
    {
      id: "slack",
      action: "slack.post",
      after: ["fetch"],
      input: { webhook: "{{ secrets.SLACK_WEBHOOK }}", text: "Heads up" },
    },
    { id: "say", action: "chat.post", after: ["fetch"], input: { text: "Found them" } },
    { id: "save", action: "store.set", after: ["fetch"], input: { key: "k", value: 1 } },
    {
      id: "ask",
      action: "wait.approval",
      after: ["fetch"],
      input: { prompt: "Go on?", timeout: "1h" },
    },
    {
      id: "onyes",
      action: "chat.post",
      after: ["ask"],
      if: "steps.ask.output.approved",
      input: { text: "Approved" },
    },
  ],
  onFailure: [{ id: "alert", action: "chat.post", input: { text: "It failed" } }],
});

describe("plan test", () => {
  it("prints each step as ran, simulated, skipped or not reached, sends nothing but the GET, exits 0", async () => {
    const before = target.requests.length;
    const result = await plan([
      "test",
      everything,
      "--secrets-file",
      secrets,
      "--input",
      '{"who":"Bo"}',
    ]);
    expect(result.stderr).toEqual([]);
    expect(result.code).toBe(0);
    expect(result.stdout[0]).toMatch(/^run [0-9a-f-]{36}$/);
    expect(result.stdout[1]).toBe(
      'Testing "Everything": side effects are simulated, nothing is sent',
    );
    const out = result.stdout.join("\n");
    expect(result.stdout).toContainEqual(
      expect.stringMatching(/^✓ fetch {2}ran {2}\{.*"status":200/),
    );
    expect(result.stdout).toContain(`~ post  simulated  POST ${target.url}/echo/cli`);
    expect(out).toContain('"Authorization":"Bearer [secret:API_TOKEN]"');
    expect(out).toContain('payload: {"n":2}');
    expect(result.stdout).toContain('~ mail  simulated  email to boss@example.com: "Hi Bo"');
    expect(result.stdout).toContain("    to: boss@example.com (someone outside)");
    expect(result.stdout).toContain("    from: bot@flowchat.test");
    expect(result.stdout).toContain('~ slack  simulated  Slack message: "Heads up"');
    expect(result.stdout).toContain('~ say  simulated  post in the chat: "Found them"');
    expect(result.stdout).toContain('~ save  simulated  save "k" to the store');
    expect(result.stdout).toContain(
      "~ ask  simulated  ask for approval (up to 1 hour): timed out (nobody answered)",
    );
    expect(result.stdout).toContain("- onyes  skipped: condition was false");
    expect(result.stdout).toContain("· alert  not reached: runs only if the run fails");
    expect(result.stdout.at(-1)).toBe(
      "Test passed: the plan would succeed (1 ran, 6 simulated, 1 skipped, 1 not reached).",
    );
    expect(out).not.toContain(API_TOKEN);
    // The contract: a loopback fixture receives no request other than GET/HEAD, SMTP nothing.
    const seen = target.requests.slice(before);
    expect(seen.map((r) => `${r.method} ${r.path}`)).toEqual(["GET /json"]);
    expect(smtp.messages).toHaveLength(0);
    expect(smtp.dataStarted).toBe(0);
  });

  it("takes a wait the way --wait says", async () => {
    const result = await plan([
      "test",
      everything,
      "--secrets-file",
      secrets,
      "--wait",
      "ask=approved",
    ]);
    expect(result.code).toBe(0);
    expect(result.stdout).toContain("~ ask  simulated  ask for approval (up to 1 hour): approved");
    expect(result.stdout).toContain('~ onyes  simulated  post in the chat: "Approved"');
  });

  const onEvent = file("on-event.json", {
    version: 1,
    title: "After a failed fetch",
    trigger: { type: "manual" },
    steps: [
      {
        id: "hold",
        action: "wait.event",
        input: {
          event: "workflow/run.failed",
          match: 'event.data.error.step = "fetch"',
          timeout: "1h",
        },
      },
      {
        id: "note",
        action: "transform",
        after: ["hold"],
        if: "steps.hold.output.timedOut = false",
        input: { value: "{{ steps.hold.output.payload.data.error.message }}" },
      },
    ],
  });

  it("gives a wait.event that goes event an example of its event, or the data --event-data says", async () => {
    const example = await plan(["test", onEvent, "--wait", "hold=event"]);
    expect(example.code).toBe(0);
    expect(example.stdout).toContainEqual(
      expect.stringMatching(
        /^~ hold {2}simulated {2}wait for "workflow\/run.failed".*: the event arrived$/,
      ),
    );
    expect(example.stdout).toContain('✓ note  ran  "HTTP 500 from https://status.example.com/api"');

    const data = JSON.stringify({
      status: "failed",
      error: { step: "fetch", message: "disk full" },
    });
    const given = await plan(["test", onEvent, "--event-data", `hold=${data}`]);
    expect(given.code).toBe(0);
    expect(given.stdout).toContain('✓ note  ran  "disk full"');
    expect(given.stdout).toContainEqual(
      expect.stringMatching(/^ {4}arrived: \{"data":\{.*"message":"disk full"/),
    );

    // An event its match does not hold for would not end the wait: it times out.
    const other = await plan(["test", onEvent, "--event-data", 'hold={"error":{"step":"sync"}}']);
    expect(other.code).toBe(0);
    expect(other.stdout).toContainEqual(
      expect.stringContaining("the event given does not hold its condition"),
    );
    expect(other.stdout).toContainEqual(expect.stringMatching(/^- note {2}skipped: /));
  });

  it("refuses event data for a step that is no wait.event, data that is no object, and a wait sent another way", async () => {
    const notWait = await plan(["test", onEvent, "--event-data", "note={}"]);
    expect(notWait.code).toBe(2);
    expect(notWait.stderr[0]).toMatch(/no wait.event step "note"/);
    const notObject = await plan(["test", onEvent, "--event-data", "hold=[1]"]);
    expect(notObject.code).toBe(2);
    expect(notObject.stderr[0]).toMatch(/must be a JSON object/);
    const badJson = await plan(["test", onEvent, "--event-data", "hold={"]);
    expect(badJson.code).toBe(2);
    expect(badJson.stderr[0]).toMatch(/--event-data hold is not valid JSON/);
    const noStep = await plan(["test", onEvent, "--event-data", "{}"]);
    expect(noStep.code).toBe(2);
    const otherWay = await plan([
      "test",
      onEvent,
      "--wait",
      "hold=timeout",
      "--event-data",
      "hold={}",
    ]);
    expect(otherWay.code).toBe(2);
    expect(otherWay.stderr[0]).toMatch(/only arrives when it goes "event"/);
    // `plan run` takes no --event-data.
    expect((await plan(["run", onEvent, "--event-data", "hold={}"])).code).toBe(2);
  });

  it("exits 1 when a step would fail, and shows what its failure handler would send", async () => {
    const failing = file("failing.json", {
      version: 1,
      title: "Failing",
      trigger: { type: "manual" },
      steps: [
        {
          id: "fetch",
          action: "http.request",
          input: { url: `${target.url}/status/503?cli=fail` },
        },
        {
          id: "sync",
          action: "workflow.run",
          after: ["fetch"],
          input: { workflow: "Warehouse sync" },
        },
      ],
      onFailure: [
        { id: "alert", action: "chat.post", input: { text: "Failed: {{ error.message }}" } },
      ],
    });
    const before = target.requests.length;
    const result = await plan(["test", failing]);
    expect(result.code).toBe(1);
    expect(result.stdout).toContainEqual(expect.stringMatching(/^✗ fetch {2}failed {2}HTTP 503/));
    expect(result.stdout).toContain("· sync  not reached: fetch failed");
    expect(result.stdout).toContainEqual(
      expect.stringMatching(/^~ alert {2}simulated {2}post in the chat: "Failed: HTTP 503/),
    );
    expect(result.stdout.at(-1)).toMatch(/^Test failed: step "fetch" would fail: HTTP 503/);
    expect(target.requests.slice(before).every((r) => r.method === "GET")).toBe(true);
  });

  it("fails a child workflow the person does not have, as the real run would", async () => {
    const child = file("child.json", {
      version: 1,
      title: "Child",
      trigger: { type: "manual" },
      steps: [{ id: "sync", action: "workflow.run", input: { workflow: "Warehouse sync" } }],
    });
    const result = await plan(["test", child]);
    expect(result.code).toBe(1);
    expect(result.stdout).toContain(
      '✗ sync  failed  workflow.run: you have no workflow "Warehouse sync" to run',
    );
  });

  it("refuses usage errors with exit 2 before running anything", async () => {
    const wrongWait = await plan(["test", everything, "--wait", "nope=approved"]);
    expect(wrongWait.code).toBe(2);
    expect(wrongWait.stderr[0]).toMatch(/no wait step "nope"/);
    const badBranch = await plan(["test", everything, "--wait", "ask=maybe"]);
    expect(badBranch.code).toBe(2);
    expect(badBranch.stderr[0]).toMatch(/--wait is <stepId>=approved\|rejected\|timeout\|event/);
    const wrongWay = await plan(["test", everything, "--wait", "ask=event"]);
    expect(wrongWay.code).toBe(2);
    // The command line cannot ask during a test: it says so, and how to choose instead.
    const asks = await plan(["test", everything, "--wait", "ask=ask"]);
    expect(asks.code).toBe(2);
    expect(asks.stderr[0]).toMatch(/--wait ask=ask: the command line cannot ask during a test/);
    expect(asks.stderr[0]).toMatch(/approved\|rejected\|timeout\|event/);
    expect((await plan(["test"])).code).toBe(2);
    expect((await plan(["test", everything, "--trigger", "{"])).code).toBe(2);
    const missingFile = await plan(["test", everything, "--secrets-file", path.join(dir, "none")]);
    expect(missingFile.code).toBe(2);
    expect(missingFile.stderr[0]).toMatch(/no such file/);
  });

  it("exits 1 when the plan uses secrets the file does not give", async () => {
    const result = await plan(["test", everything]);
    expect(result.code).toBe(1);
    expect(result.stderr[0]).toMatch(/secrets you did not give: API_TOKEN, SLACK_WEBHOOK/);
  });
});

describe("plan run's trigger, secrets and chat posts", () => {
  const hook = file("hook.json", {
    version: 1,
    title: "Hook",
    trigger: { type: "webhook" },
    steps: [
      {
        id: "call",
        action: "http.request",
        input: {
          url: `${target.url}/echo/hook`,
          method: "POST",
          headers: { Authorization: "Bearer {{ secrets.API_TOKEN }}" },
          body: { email: "{{ trigger.body.email }}" },
        },
      },
      {
        id: "say",
        action: "chat.post",
        after: ["call"],
        input: { text: "New signup:\n{{ trigger.body.email }}" },
      },
    ],
  });

  it("refuses a webhook plan without --trigger (exit 2) instead of running it on nothing", async () => {
    const result = await plan(["run", hook, "--secrets-file", secrets]);
    expect(result.code).toBe(2);
    expect(result.stdout).toEqual([]);
    expect(result.stderr[0]).toBe(
      "This plan starts from a webhook: give the request body to run it on (without it, it would run on empty data). Use --trigger '<json>'.",
    );
    const manual = await plan(["run", everything, "--trigger", "{}"]);
    expect(manual.code).toBe(2);
    expect(manual.stderr[0]).toMatch(/starts by hand: give its inputs/);
  });

  it("runs a webhook plan on --trigger with --secrets-file and prints its chat posts", async () => {
    const before = target.requests.length;
    const result = await plan([
      "run",
      hook,
      "--secrets-file",
      secrets,
      "--trigger",
      '{"email":"ana@example.com"}',
    ]);
    expect(result.stderr).toEqual([]);
    expect(result.code).toBe(0);
    // The real run really sends: the secret reached the fixture, the body the trigger's.
    const seen = target.requests.slice(before);
    expect(seen).toHaveLength(1);
    expect(seen[0]).toMatchObject({ method: "POST", path: "/echo/hook" });
    expect(seen[0].headers.authorization).toBe(`Bearer ${API_TOKEN}`);
    expect(JSON.parse(seen[0].body)).toEqual({ email: "ana@example.com" });
    const say = result.stdout.findIndex((line) => line.startsWith("✓ say  succeeded"));
    expect(say).toBeGreaterThan(0);
    expect(result.stdout.slice(say + 1, say + 4)).toEqual([
      "  posted in the chat:",
      "  │ New signup:",
      "  │ ana@example.com",
    ]);
    expect(result.stdout.join("\n")).not.toContain(API_TOKEN);
  });
});

describe("secrets files", () => {
  it("read NAME=value lines, quotes, comments and export, or a JSON object", () => {
    expect(parseSecretsText("# c\n\nA=1\nexport B = \"two words\"\nC='x=y'\n", "f")).toEqual({
      A: "1",
      B: "two words",
      C: "x=y",
    });
    expect(parseSecretsText('{ "A": "1" }', "f")).toEqual({ A: "1" });
    expect(() => parseSecretsText("not a line", "f")).toThrow(/f:1: expected NAME=value/);
    expect(() => parseSecretsText('{ "A": 1 }', "f")).toThrow(/string value/);
  });
});
