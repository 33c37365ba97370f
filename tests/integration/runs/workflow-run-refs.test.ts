// A workflow.run step whose target is a title (a binding, or a version saved before names were
// resolved) runs that workflow; one that finds none fails its step with a sentence: never a
// database error, in the step, the run or the log a person reads.
import { describe, expect, it } from "vitest";
import { listRunEvents, listRunSteps } from "@/lib/db/run-queries";
import { drivers } from "@/tests/helpers/database";
import { harnessFor, plan } from "./harness";

const child = (title: string) =>
  plan([{ id: "double", action: "transform", input: { value: "{{ trigger.inputs.n * 2 }}" } }], {
    title,
    trigger: { type: "manual", inputs: { n: { type: "number" } } },
  });

const caller = (workflow: string) =>
  plan([{ id: "call", action: "workflow.run", input: { workflow, input: { n: 21 } } }], {
    trigger: { type: "manual", inputs: { which: { type: "string" } } },
  });

describe.each(drivers)("workflow.run targets when the step runs, on %s", (driver) => {
  const h = harnessFor(driver);

  /** Everything a person can read about the run's failure. */
  async function failureText(runId: string) {
    const done = await h.finished(runId);
    const steps = await listRunSteps({ runId });
    const events = await listRunEvents({ runId });
    return {
      done,
      text: JSON.stringify([done.error, steps.map((s) => s.error), events.map((e) => e.message)]),
    };
  }

  it("runs the workflow a binding names by its title", async () => {
    await h.workflow(child(`Doubler ${driver}`));
    const parent = await h.workflow(caller("{{ trigger.inputs.which }}"));
    const run = await h.start(parent, { which: `doubler ${driver}` });
    const done = await h.finished(run.id);
    expect(done.status).toBe("succeeded");
    const call = (await listRunSteps({ runId: run.id })).find((s) => s.stepId === "call");
    expect(call?.output).toMatchObject({ status: "succeeded", output: 42 });
  });

  it("fails the step with a sentence when no workflow has that name", async () => {
    const parent = await h.workflow(caller("Warehouse sync"));
    const { done, text } = await failureText((await h.start(parent, { which: "x" })).id);
    expect(done.status).toBe("failed");
    expect(done.error).toMatchObject({
      step: "call",
      message: expect.stringContaining('None of your workflows is named "Warehouse sync"'),
    });
    expect(text).not.toMatch(/SQLSTATE|database|invalid input syntax|uuid/i);
  });

  it("fails the step with a sentence for an id that is not a workflow of theirs", async () => {
    const parent = await h.workflow(caller("{{ trigger.inputs.which }}"));
    const missing = crypto.randomUUID();
    const { done, text } = await failureText((await h.start(parent, { which: missing })).id);
    expect(done.error).toMatchObject({
      step: "call",
      message: `The workflow to run ("${missing}") does not exist or is not yours.`,
    });
    expect(text).not.toMatch(/SQLSTATE|database/i);
  });
});
