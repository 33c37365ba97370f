// `npm run plan -- run <file>`: a plan file run once on the embedded executor with its own
// scratch database; exit 0 when the run succeeds, 1 when it fails, 2 for usage errors.
import path from "node:path";
import { describe, expect, it } from "vitest";
import { main } from "@/inngest/cli/plan";

const plans = path.join(import.meta.dirname, "../../fixtures/runs/plans");

async function plan(args: string[]) {
  const stdout: string[] = [];
  const stderr: string[] = [];
  const code = await main(args, { stdout: (l) => stdout.push(l), stderr: (l) => stderr.push(l) });
  return { code, stdout, stderr };
}

describe("plan run", () => {
  it("runs a plan with its inputs, prints a line per step and exits 0", async () => {
    const result = await plan(["run", path.join(plans, "ok.json"), "--input", '{"name":"Ada"}']);
    expect(result.stderr).toEqual([]);
    expect(result.code).toBe(0);
    // The first line is the contract scripts read.
    expect(result.stdout[0]).toMatch(/^run [0-9a-f-]{36}$/);
    expect(result.stdout[1]).toBe('Running "Greeting"');
    expect(result.stdout).toContainEqual(
      expect.stringMatching(/^✓ greet {2}succeeded {2}\d+ ms {2}"Hello, Ada"$/),
    );
    expect(result.stdout).toContainEqual(
      expect.stringMatching(/^✓ shout {2}succeeded .*"HELLO, ADA"$/),
    );
    expect(result.stdout).toContainEqual(
      "- never  skipped: condition is false: steps.greet.output = 'nope'",
    );
    expect(result.stdout).toContain("Run succeeded");
  });

  it("exits 1 when the run fails, naming the step", async () => {
    const result = await plan(["run", path.join(plans, "fails.json")]);
    expect(result.code).toBe(1);
    expect(result.stdout).toContainEqual(
      expect.stringMatching(/^✗ fetch {2}failed \(attempt 1\) .*loopback/),
    );
    expect(result.stdout).toContainEqual(expect.stringMatching(/^Run failed at fetch: /));
  });

  it("exits 1 for an input that does not fit and 2 for a usage error", async () => {
    expect((await plan(["run", path.join(plans, "ok.json"), "--input", '{"nam":"x"}'])).code).toBe(
      1,
    );
    const usage = await plan(["run", path.join(plans, "ok.json"), "--input", "{nope"]);
    expect(usage.code).toBe(2);
    expect(usage.stderr[0]).toMatch(/--input is not valid JSON/);
    expect((await plan(["run"])).code).toBe(2);
  });
});
