// Sub-workflows through step.invoke, and many runs at once on both drivers (PGlite has one
// connection: every run's records and the engine's queue share it).
import { describe, expect, it } from "vitest";
import { getRunById, listRunEvents, listRunSteps } from "@/lib/db/run-queries";
import { drivers } from "@/tests/helpers/database";
import { harnessFor, plan } from "./harness";

describe("workflow.run and load", () => {
  const h = harnessFor("postgres");

  it("runs another workflow of the same owner through step.invoke and uses its result", async () => {
    const child = await h.workflow(
      plan(
        [{ id: "double", action: "transform", input: { value: "{{ trigger.inputs.n * 2 }}" } }],
        { trigger: { type: "manual", inputs: { n: { type: "number" } } } },
      ),
    );
    const parent = await h.workflow(
      plan([
        { id: "call", action: "workflow.run", input: { workflow: child, input: { n: 21 } } },
        {
          id: "use",
          action: "transform",
          after: ["call"],
          input: { value: "{{ steps.call.output.output + 0 }}" },
        },
      ]),
    );
    const run = await h.start(parent);
    const done = await h.finished(run.id);
    expect(done.status).toBe("succeeded");
    expect(done.output).toBe(42);
    const call = (await listRunSteps({ runId: run.id })).find((s) => s.stepId === "call");
    expect(call?.status).toBe("succeeded");
    const childRunId = (call?.output as { runId: string } | undefined)?.runId ?? "";
    expect((await h.finished(childRunId)).status).toBe("succeeded");
  });

  it("fails a workflow.run of another person's workflow", async () => {
    const stranger = await h.user();
    const theirs = await h.workflow(
      plan([{ id: "x", action: "transform", input: { value: 1 } }]),
      stranger,
    );
    const mine = await h.workflow(
      plan([{ id: "call", action: "workflow.run", input: { workflow: theirs } }]),
    );
    const done = await h.finished((await h.start(mine)).id);
    expect(done.status).toBe("failed");
    expect(done.error).toMatchObject({
      step: "call",
      message: expect.stringContaining("not yours"),
    });
  });
});

describe.each(drivers)("100 runs at once on %s", (driver) => {
  const h = harnessFor(driver);

  it("finishes 100 runs started at once, each with its own complete log", async () => {
    const workflowId = await h.workflow(
      plan([
        { id: "a", action: "transform", input: { value: 1 } },
        {
          id: "b",
          action: "transform",
          after: ["a"],
          input: { value: "{{ steps.a.output + 1 }}" },
        },
        {
          id: "c",
          action: "transform",
          after: ["a"],
          input: { value: "{{ steps.a.output + 2 }}" },
        },
        {
          id: "d",
          action: "transform",
          after: ["b", "c"],
          input: { value: "{{ steps.b.output + steps.c.output }}" },
        },
      ]),
    );
    const started = Date.now();
    const runs = await Promise.all(Array.from({ length: 100 }, () => h.start(workflowId)));
    // One query for all of them (100 pollers would load the database more than the runs).
    const ids = runs.map((run) => run.id);
    const done = await h.waitFor(
      async () => {
        const rows = await Promise.all(ids.map((runId) => getRunById({ runId })));
        const finished = rows.filter(
          (run) => run && run.status !== "queued" && run.status !== "running",
        );
        if (process.env.RUNS_TIMING) console.log("finished", finished.length, Date.now() - started);
        return finished.length === ids.length
          ? (rows as NonNullable<(typeof rows)[number]>[])
          : undefined;
      },
      "100 runs",
      150_000,
    );
    const elapsed = Date.now() - started;
    console.log(`${driver}: 100 runs finished in ${elapsed} ms`);
    expect(done.map((run) => run.status)).toEqual(Array(100).fill("succeeded"));
    expect(done.map((run) => run.output)).toEqual(Array(100).fill(5));
    for (const run of runs.slice(0, 10)) {
      const events = await listRunEvents({ runId: run.id });
      expect(events.map((e) => e.seq)).toEqual(events.map((_, i) => i + 1));
      expect(events.filter((e) => e.message.endsWith("succeeded") && e.stepId)).toHaveLength(4);
    }
  }, 180_000);
});
