// `npm run plan -- run` and `rerun` against a real PostgreSQL database (DATABASE_URL): `run`
// keeps its run and prints `run <runId>` first; running it twice reuses the CLI user and its
// workflow (a changed plan becomes a new approved version); `rerun` re-runs a kept run, marking
// reused steps `reused`, exit 0 when the new run succeeds and 1 when it fails.
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import postgres from "postgres";
import { afterAll, describe, expect, it } from "vitest";
import { main } from "@/inngest/cli/plan";
import { resetEnvForTests } from "@/lib/env";
import { startHttpTarget } from "@/tests/fixtures/http-target";
import { createPostgresDatabase } from "@/tests/helpers/database";

const target = await startHttpTarget();
const database = await createPostgresDatabase("flowchat_cli");
const saved = {
  DATABASE_URL: process.env.DATABASE_URL,
  HTTP_ALLOWLIST: process.env.HTTP_ALLOWLIST,
};
const dir = mkdtempSync(path.join(tmpdir(), "plan-rerun-"));

const setEnv = (vars: Record<string, string | undefined>) => {
  for (const [name, value] of Object.entries(vars)) {
    if (value === undefined) delete process.env[name];
    else process.env[name] = value;
  }
  resetEnvForTests();
};
setEnv({ DATABASE_URL: database.url, HTTP_ALLOWLIST: `127.0.0.1:${target.port}` });

afterAll(async () => {
  setEnv(saved);
  rmSync(dir, { recursive: true, force: true });
  await target.close();
  await database.drop();
});

const STEPS = ["s1", "s2", "s3", "s4", "s5"];

function planFile(name: string, tweak?: string) {
  const file = path.join(dir, `${name}.json`);
  const plan = {
    version: 1,
    title: "CLI chain",
    trigger: { type: "manual" },
    steps: STEPS.map((id, i) => ({
      id,
      action: "http.request",
      ...(i > 0 ? { after: [STEPS[i - 1]] } : {}),
      input: { url: `${target.url}/switch/cli-${id}`, query: { v: tweak === id ? "2" : "1" } },
    })),
  };
  writeFileSync(file, JSON.stringify(plan));
  return file;
}

async function plan(args: string[]) {
  const stdout: string[] = [];
  const stderr: string[] = [];
  const code = await main(args, { stdout: (l) => stdout.push(l), stderr: (l) => stderr.push(l) });
  return { code, stdout, stderr, runId: /^run ([0-9a-f-]{36})$/.exec(stdout[0] ?? "")?.[1] };
}

const hits = () => STEPS.map((id) => target.hits(`/switch/cli-${id}`));

describe("plan run and rerun on PostgreSQL", () => {
  it("keeps the run, re-runs it from the failed step reusing steps 1–3, twice over the same database", async () => {
    const file = planFile("v1");
    target.failing.add("cli-s4");
    const first = await plan(["run", file]);
    expect(first.code).toBe(1);
    expect(first.runId).toBeDefined();
    expect(first.stdout[1]).toBe('Running "CLI chain"');
    expect(first.stdout).toContainEqual(expect.stringMatching(/^✗ s4 {2}failed \(attempt 1\)/));
    expect(hits()).toEqual([1, 1, 1, 1, 0]);

    // Still failing: the re-run fails too, exit 1, and 1–3 are still not called again.
    const stillFailing = await plan(["rerun", first.runId as string]);
    expect(stillFailing.code).toBe(1);
    expect(stillFailing.stdout[0]).toMatch(/^run [0-9a-f-]{36}$/);
    expect(hits()).toEqual([1, 1, 1, 2, 0]);

    target.failing.delete("cli-s4");
    const rerun = await plan(["rerun", first.runId as string, "--from", "failed"]);
    expect(rerun.stderr).toEqual([]);
    expect(rerun.code).toBe(0);
    expect(rerun.runId).toBeDefined();
    expect(rerun.runId).not.toBe(first.runId);
    for (const id of ["s1", "s2", "s3"]) {
      expect(rerun.stdout).toContainEqual(
        expect.stringMatching(new RegExp(`^↺ ${id} {2}reused {2}\\{.*"name":"cli-${id}"`)),
      );
    }
    expect(rerun.stdout).toContainEqual(expect.stringMatching(/^✓ s4 {2}succeeded /));
    expect(rerun.stdout).toContainEqual(expect.stringMatching(/^✓ s5 {2}succeeded /));
    expect(rerun.stdout).toContain("Run succeeded");
    expect(hits()).toEqual([1, 1, 1, 3, 1]);

    // A second `plan run` of the same plan on the same database: same user, same workflow.
    const again = await plan(["run", file]);
    expect(again.stderr).toEqual([]);
    expect(again.code).toBe(0);
    expect(hits()).toEqual([2, 2, 2, 4, 2]);

    // The plan changed: `run` approves it as the workflow's new version, and a re-run of the
    // first run on the latest version runs the changed s2 and what follows it.
    const changed = await plan(["run", planFile("v2", "s2")]);
    expect(changed.code).toBe(0);
    expect(hits()).toEqual([3, 3, 3, 5, 3]);
    const latest = await plan(["rerun", first.runId as string, "--version", "latest"]);
    expect(latest.code).toBe(0);
    expect(latest.stdout[1]).toBe(`Re-running run ${first.runId} from s4 on the latest version`);
    expect(latest.stdout).toContainEqual(expect.stringMatching(/^↺ s1 {2}reused /));
    expect(latest.stdout).toContainEqual(expect.stringMatching(/^✓ s2 {2}succeeded /));
    expect(hits()).toEqual([3, 4, 4, 6, 4]);

    const sql = postgres(database.url, { max: 1, onnotice: () => {} });
    try {
      const [row] = await sql`select
        (select count(*) from users)::int as users,
        (select count(*) from workflows)::int as workflows,
        (select count(*) from workflow_versions)::int as versions`;
      expect({ ...row }).toEqual({ users: 1, workflows: 1, versions: 2 });
    } finally {
      await sql.end();
    }
  });

  it("refuses bad arguments with exit 2, and a run it cannot re-run with exit 1", async () => {
    const badVersion = await plan(["rerun", crypto.randomUUID(), "--version", "newest"]);
    expect(badVersion.code).toBe(2);
    expect(badVersion.stderr[0]).toMatch(/--version is pinned or latest/);
    expect((await plan(["rerun"])).code).toBe(2);
    expect((await plan(["rerun", "not-an-id"])).code).toBe(2);
    expect((await plan(["rerun", crypto.randomUUID(), "--input", "[1]"])).code).toBe(2);

    const missing = await plan(["rerun", crypto.randomUUID()]);
    expect(missing.code).toBe(1);
    expect(missing.stderr[0]).toMatch(/does not exist/);

    setEnv({ DATABASE_URL: undefined });
    try {
      const noDatabase = await plan(["rerun", crypto.randomUUID()]);
      expect(noDatabase.code).toBe(2);
      expect(noDatabase.stderr[0]).toMatch(/^rerun needs DATABASE_URL/);
    } finally {
      setEnv({ DATABASE_URL: database.url });
    }
  });
});
