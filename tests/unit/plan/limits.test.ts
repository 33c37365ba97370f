// Absurd sizes and depths get clear errors with a path, never a stack overflow: the same
// 256 KB limit for a plan everywhere, and values nested thousands of levels deep.
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { main } from "@/inngest/cli/plan";
import { BindingError, resolveBindings } from "@/lib/plan/bindings";
import { evaluateExpression, MAX_VALUE_DEPTH } from "@/lib/plan/expression";
import { MAX_PLAN_BYTES } from "@/lib/plan/schema";
import { buildScope } from "@/lib/plan/scope";
import { walkStrings } from "@/lib/plan/template";
import { basePlan, errorLines } from "./helpers";

const env = { now: "2026-03-28T06:00:00.000Z", timeZone: "UTC" };

function nested(levels: number, bottom: unknown = "bottom"): unknown {
  let value = bottom;
  for (let i = 0; i < levels; i++) value = { a: value };
  return value;
}

async function cli(args: string[]) {
  const stdout: string[] = [];
  const stderr: string[] = [];
  const code = await main(args, { stdout: (l) => stdout.push(l), stderr: (l) => stderr.push(l) });
  return { code, stdout: stdout.join("\n"), stderr: stderr.join("\n") };
}

describe("plan limits", () => {
  it("walks strings of a value nested 10,000 levels deep without recursion", () => {
    const found = [...walkStrings({ x: [nested(10_000, "deep")], y: "top" })];
    expect(found.map((entry) => entry.value)).toEqual(["deep", "top"]);
    expect(found[0].path).toHaveLength(10_002);
  });

  it("keeps walkStrings in document order", () => {
    const found = [...walkStrings({ a: "1", b: ["2", { c: "3" }], d: "4" })];
    expect(found.map((entry) => entry.path.join("."))).toEqual(["a", "b.0", "b.1.c", "d"]);
  });

  it("refuses a 5,000-level plan at validation with the path, and a 5,000-level input at run time", async () => {
    const plan = basePlan();
    plan.steps[0] = { ...plan.steps[0], input: { url: "https://x.example", body: nested(5000) } };
    expect(errorLines(plan)).toEqual([
      `steps[0].input.body${".a".repeat(28)}: nests deeper than 32 levels; flatten it`,
    ]);
    const scope = buildScope({ trigger: {}, steps: {}, now: env.now });
    await expect(resolveBindings({ body: nested(5000) }, scope, env)).rejects.toThrow(BindingError);
    await expect(resolveBindings({ body: nested(5000) }, scope, env)).rejects.toThrow(
      "the input nests deeper than 32 levels; flatten it",
    );
  });

  it("fails a binding to a step output nested 5,000 levels deep with a clear message", async () => {
    const scope = buildScope({
      trigger: {},
      steps: { fetch: { status: "succeeded", output: { deep: nested(5000), items: [1, 2] } } },
      now: env.now,
    });
    await expect(evaluateExpression("steps.fetch.output", scope, env)).rejects.toThrow(
      `the value nests deeper than ${MAX_VALUE_DEPTH} levels; pick the part you need`,
    );
    await expect(resolveBindings({ text: "{{ steps.fetch.output }}" }, scope, env)).rejects.toThrow(
      /^text: \{\{ steps\.fetch\.output \}\} failed: the value nests deeper than/,
    );
    // The parts that are not too deep are fine.
    expect(await evaluateExpression("steps.fetch.output.items", scope, env)).toEqual([1, 2]);
  });

  it("refuses a plan file over the routes' 256 KB limit before reading it", async () => {
    const dir = mkdtempSync(path.join(tmpdir(), "plan-limits-"));
    const file = path.join(dir, "huge.json");
    const plan = { ...basePlan(), summary: "x".repeat(MAX_PLAN_BYTES) };
    writeFileSync(file, JSON.stringify(plan));
    const result = await cli(["validate", file]);
    expect(result).toEqual({
      code: 1,
      stdout: "",
      stderr: `${file} is 257 KB; a plan may be at most 256 KB of JSON`,
    });
  });

  it("refuses a plan object over 256 KB at validation, as the routes do", () => {
    const plan = { ...basePlan(), summary: "x".repeat(MAX_PLAN_BYTES) };
    expect(errorLines(plan)).toEqual([
      "(plan): the plan is 257 KB of JSON; a plan may be at most 256 KB",
    ]);
  });
});
