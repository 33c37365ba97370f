// Waits on the embedded executor: approvals answered in the app, resume URLs called before
// the run reaches the wait, timeouts, wait.until, conditions on `now` under replay, and a
// cancel while the run sleeps.
import { describe, expect, it, vi } from "vitest";
import { getRunById, listRunSteps } from "@/lib/db/run-queries";
import { drivers } from "@/tests/helpers/database";
import { freePort } from "../engine/processes";
import { harnessFor, plan, pointAppClientAtHarness } from "./harness";

// The resume route asks who is signed in (the owner deciding from the page is recorded).
vi.mock("@/app/(auth)/auth", () => ({ currentUserId: async () => undefined }));

const port = await freePort();
// The app's own client (used by the routes) talks to the test executor.
process.env.RUN_RESUME_SECRET = "test-resume-secret";
pointAppClientAtHarness(port);

describe.each(drivers)("waits on %s", (driver) => {
  const h = harnessFor(driver, { port });
  const stepOf = async (runId: string, stepId: string) =>
    (await listRunSteps({ runId })).find((s) => s.stepId === stepId);

  it("resumes an approval when the owner approves it, and later steps branch on it", async () => {
    const { answerApproval } = await import("@/lib/runs/control");
    const workflowId = await h.workflow(
      plan([
        { id: "ask", action: "wait.approval", input: { prompt: "Go?", timeout: "1m" } },
        {
          id: "go",
          action: "transform",
          after: ["ask"],
          if: "steps.ask.output.approved",
          input: { value: "{{ 'approved by ' & steps.ask.output.by }}" },
        },
      ]),
    );
    const run = await h.start(workflowId);
    await h.waitFor(
      async () => ((await getRunById({ runId: run.id }))?.status === "waiting" ? true : undefined),
      "the run to wait",
    );
    expect((await stepOf(run.id, "ask"))?.status).toBe("waiting");
    const answer = await answerApproval({
      userId: h.userId,
      runId: run.id,
      stepId: "ask",
      approved: true,
    });
    expect(answer).toEqual({ accepted: true, duplicate: false, decidedAt: expect.any(String) });
    const done = await h.finished(run.id);
    expect(done.status).toBe("succeeded");
    expect(done.output).toBe(`approved by ${h.userId}`);
  });

  it("keeps a resume-URL signal sent before the run reached the wait", async () => {
    const { POST } = await import("@/app/api/resume/[token]/route");
    const workflowId = await h.workflow(
      plan([
        { id: "link", action: "transform", input: { value: "{{ waits.hold.url }}" } },
        { id: "slow", action: "test.sleep", after: ["link"], input: { ms: 1500 } },
        { id: "hold", action: "wait.event", after: ["slow"], input: { timeout: "1m" } },
        {
          id: "got",
          action: "transform",
          after: ["hold"],
          input: { value: "{{ steps.hold.output }}" },
        },
      ]),
    );
    const run = await h.start(workflowId);
    const url = await h.waitFor(async () => {
      const output = (await stepOf(run.id, "link"))?.output;
      return typeof output === "string" ? output : undefined;
    }, "the resume link");
    expect(url).toMatch(/^http:\/\/app\.test\/api\/resume\//);
    const token = url.split("/").at(-1) as string;
    // Sent while `slow` still runs: the wait has not registered yet.
    expect(await stepOf(run.id, "hold")).toBeUndefined();
    const response = await POST(
      new Request(url, { method: "POST", body: JSON.stringify({ answer: 42 }) }),
      { params: Promise.resolve({ token }) },
    );
    expect(response.status).toBe(202);
    const done = await h.finished(run.id);
    expect(done.status).toBe("succeeded");
    expect(done.output).toEqual({ timedOut: false, payload: { answer: 42 }, via: "url" });
    // A forged token is refused.
    const forged = await POST(new Request(`${url}x`, { method: "POST" }), {
      params: Promise.resolve({ token: `${token}x` }),
    });
    expect(forged.status).toBe(404);
  });

  it("relays a signal whose wake-up event was lost as the wait registered", async () => {
    const { putWaitSignal } = await import("@/lib/db/run-queries");
    const { waitSignaled } = await import("@/inngest/client");
    const workflowId = await h.workflow(
      plan([{ id: "hold", action: "wait.event", input: { timeout: "1m" } }]),
    );
    const run = await h.start(workflowId);
    await h.waitFor(
      async () => ((await getRunById({ runId: run.id }))?.status === "waiting" ? true : undefined),
      "the run to wait",
    );
    // The race: the signal is stored, but its resume event went out before the wait
    // registered (so nothing receives it). Only the relay's re-send can end the wait.
    await putWaitSignal({ runId: run.id, stepId: "hold", payload: { via: "url", data: 7 } });
    await h.client.send(waitSignaled.create({ runId: run.id, stepId: "hold" }));
    const done = await h.finished(run.id, 20_000);
    expect(done.output).toEqual({ timedOut: false, payload: 7, via: "url" });
  });

  it("times out an approval nobody answers; the outcome is usable by conditions", async () => {
    const workflowId = await h.workflow(
      plan([
        { id: "ask", action: "wait.approval", input: { prompt: "Go?", timeout: "1s" } },
        {
          id: "late",
          action: "transform",
          after: ["ask"],
          if: "steps.ask.output.timedOut",
          input: { value: "nobody answered" },
        },
      ]),
    );
    const run = await h.start(workflowId);
    const done = await h.finished(run.id);
    expect(done.status).toBe("succeeded");
    expect(done.output).toBe("nobody answered");
    expect((await stepOf(run.id, "ask"))?.output).toEqual({ approved: false, timedOut: true });
  });

  it("waits until an instant with a real sleep", async () => {
    const at = new Date(Date.now() + 1500).toISOString();
    const workflowId = await h.workflow(
      plan([{ id: "until", action: "wait.until", input: { at } }]),
    );
    const run = await h.start(workflowId);
    const done = await h.finished(run.id);
    expect(done.status).toBe("succeeded");
    expect(Date.parse((done.output as { resumedAt: string }).resumedAt)).toBeGreaterThanOrEqual(
      Date.parse(at),
    );
    expect(done.output).toMatchObject({ early: false });
  });

  it("takes the same branch on every replay for a condition on now", async () => {
    const cutoff = new Date(Date.now() + 1000).toISOString();
    const workflowId = await h.workflow(
      plan([
        { id: "a", action: "transform", input: { value: 1 } },
        {
          id: "early",
          action: "transform",
          after: ["a"],
          if: `$now() < "${cutoff}"`,
          input: { value: "early" },
        },
        {
          id: "late",
          action: "transform",
          after: ["a"],
          if: `$now() >= "${cutoff}"`,
          input: { value: "late" },
        },
        { id: "pause", action: "wait.delay", after: ["early", "late"], input: { duration: "2s" } },
        {
          id: "report",
          action: "transform",
          after: ["pause"],
          input: {
            value:
              "{{ steps.early.status & ',' & steps.late.status & ',' & ($now() >= '" +
              cutoff +
              "') }}",
          },
        },
      ]),
    );
    const run = await h.start(workflowId);
    const done = await h.finished(run.id);
    expect(done.status).toBe("succeeded");
    // Evaluated after the cutoff (the report's own `now`), the early branch still stands.
    expect(done.output).toBe("succeeded,skipped,true");
    const steps = await listRunSteps({ runId: run.id });
    expect(steps.filter((s) => s.stepId === "early").map((s) => s.status)).toEqual(["succeeded"]);
    expect(steps.filter((s) => s.stepId === "late").map((s) => s.status)).toEqual(["skipped"]);
  });

  it("cancels a run while it sleeps", async () => {
    const { cancelRun } = await import("@/lib/runs/control");
    const workflowId = await h.workflow(
      plan([
        { id: "first", action: "transform", input: { value: 1 } },
        { id: "nap", action: "wait.delay", after: ["first"], input: { duration: "30s" } },
        { id: "never", action: "test.count", after: ["nap"], input: { key: `never-${driver}` } },
      ]),
    );
    const run = await h.start(workflowId);
    await h.waitFor(
      async () => ((await getRunById({ runId: run.id }))?.status === "waiting" ? true : undefined),
      "the run to sleep",
    );
    const result = await cancelRun({ userId: h.userId, runId: run.id, client: h.client });
    expect(result).toEqual({ cancelled: true, status: "cancelled" });
    const engineRunId = (await getRunById({ runId: run.id }))?.engineRunId as string;
    const engineRun = await h.engine.waitForRun(engineRunId, { timeoutMs: 10_000 });
    expect(engineRun.status).toBe("cancelled");
    expect((await getRunById({ runId: run.id }))?.status).toBe("cancelled");
    expect(h.effects.counts.get(`never-${driver}`)).toBeUndefined();
  });
});
