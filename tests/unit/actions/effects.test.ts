// The side-effect class of every step comes from the action catalog: each action declares it
// (lib/actions), lib/plan/effects.ts reads it for the card, re-run previews and test runs.
import { describe, expect, it } from "vitest";
import { z } from "zod";
import { actionRegistry } from "@/lib/actions/registry";
import { catalogFrom } from "@/lib/plan/catalog";
import {
  EFFECT_LABELS,
  effectOf,
  isSimulated,
  reachesOthers,
  stepEffect,
  waitBranchesOf,
} from "@/lib/plan/effects";

const effect = (action: string, input: Record<string, unknown> = {}, userEmail?: string) =>
  effectOf(actionRegistry, action, input, { userEmail });

describe("side-effect classes from the action catalog", () => {
  it("classes the read-only actions as reads", () => {
    for (const id of ["transform", "ai.generate", "store.get", "wait.delay", "wait.until"]) {
      expect(effect(id).class, id).toBe("reads");
    }
    expect(effect("wait.event", { timeout: "1h" }).class).toBe("reads");
  });

  it("classes an HTTP GET or HEAD as reads and any other method as writes", () => {
    expect(effect("http.request", { url: "https://x.test" }).class).toBe("reads");
    expect(effect("http.request", { url: "https://x.test", method: "HEAD" }).class).toBe("reads");
    for (const method of ["POST", "PUT", "PATCH", "DELETE"]) {
      expect(effect("http.request", { url: "https://x.test", method })).toMatchObject({
        class: "writes",
        kind: "http",
        does: `sends the ${method} request`,
      });
    }
  });

  it("counts a computed HTTP method as a write, with the caveat", () => {
    expect(effect("http.request", { url: "https://x", method: "{{ trigger.inputs.m }}" })).toEqual({
      class: "writes",
      kind: "http",
      does: "sends the request",
      note: "its method is computed",
    });
  });

  it("classes the stores, tools, messages and child workflows", () => {
    expect(effect("store.set", { key: "k" })).toMatchObject({ class: "writes", kind: "store" });
    expect(effect("mcp.call", { server: "s", tool: "t" })).toMatchObject({
      class: "writes",
      kind: "mcp",
    });
    expect(effect("chat.post", { text: "hi" })).toMatchObject({ class: "notifies", kind: "chat" });
    expect(effect("wait.approval", { prompt: "ok?", timeout: "1h" })).toMatchObject({
      class: "notifies",
      kind: "approval",
    });
    expect(effect("workflow.run", { workflow: "w" })).toMatchObject({
      class: "starts",
      kind: "workflow",
    });
  });

  it("marks Slack as contacting someone outside, and the chat as not", () => {
    expect(effect("slack.post", { webhook: "{{ secrets.SLACK }}", text: "x" })).toMatchObject({
      class: "notifies",
      outside: true,
    });
    expect(effect("chat.post", { text: "hi" }).outside).toBeFalsy();
  });

  it("marks an email as outside unless every recipient is the person", () => {
    const me = "ana@example.com";
    expect(effect("email.send", { to: "{{ user.email }}" }, me).outside).toBe(false);
    expect(effect("email.send", { to: "Ana@Example.com" }, me).outside).toBe(false);
    expect(effect("email.send", { to: ["ana@example.com", "bo@example.com"] }, me).outside).toBe(
      true,
    );
    expect(effect("email.send", { to: me, cc: ["boss@example.com"] }, me).outside).toBe(true);
    // A recipient computed at run time may be anyone.
    expect(effect("email.send", { to: "{{ trigger.body.from }}" }, me).outside).toBe(true);
    // Without knowing the person's address, a literal one may be someone else's.
    expect(effect("email.send", { to: me }).outside).toBe(true);
  });

  it("agrees with each action's sideEffects flag", () => {
    const inputs: Record<string, Record<string, unknown>> = {
      "http.request": { url: "https://x.test", method: "POST" },
    };
    for (const action of actionRegistry.list()) {
      const declared = effect(action.id, inputs[action.id] ?? action.example);
      expect(isSimulated(declared), action.id).toBe(action.sideEffects);
    }
  });

  it("treats an action without a declared effect by its flag, and an unknown one as writing", () => {
    const catalog = catalogFrom([
      {
        id: "x.read",
        title: "r",
        description: "r",
        input: z.object({}),
        output: z.object({}),
        sideEffects: false,
        kind: "task",
      },
      {
        id: "x.write",
        title: "w",
        description: "w",
        input: z.object({}),
        output: z.object({}),
        sideEffects: true,
        kind: "task",
      },
    ]);
    expect(stepEffect({ action: "x.read" }, catalog).class).toBe("reads");
    expect(stepEffect({ action: "x.write" }, catalog)).toMatchObject({ class: "writes" });
    expect(stepEffect({ action: "nope" }, catalog)).toMatchObject({
      class: "writes",
      does: "runs nope",
    });
  });

  it("names every class in words", () => {
    expect(EFFECT_LABELS).toEqual({
      reads: "reads",
      writes: "writes",
      notifies: "notifies someone",
      starts: "starts a workflow",
    });
  });

  it("knows who a list of recipients reaches", () => {
    expect(reachesOthers("{{ user.email }}", {})).toBe(false);
    expect(reachesOthers(["{{user.email}}", "x@y.z"], { userEmail: "x@y.z" })).toBe(false);
    expect(reachesOthers("Hi {{ user.name }}", {})).toBe(true);
  });

  it("offers the branches each wait can take in a test, the timeout first", () => {
    expect(waitBranchesOf("wait.approval")).toEqual(["timeout", "approved", "rejected"]);
    expect(waitBranchesOf("wait.event")).toEqual(["timeout", "event"]);
    expect(waitBranchesOf("http.request")).toEqual([]);
  });
});
