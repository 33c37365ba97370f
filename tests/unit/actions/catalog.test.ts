import { readdirSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { z } from "zod";
import {
  catalogJson,
  compactType,
  renderAction,
  renderCatalogPrompt,
} from "@/lib/actions/catalog-prompt";
import { defineAction } from "@/lib/actions/define-action";
import { actionRegistry, createRegistry } from "@/lib/actions/registry";
import { createActionContext } from "@/lib/actions/runtime/context";
import { createNetworkPolicy } from "@/lib/net/policy";
import { checkInputShape } from "@/lib/plan/input-check";

const actionsDir = path.join(import.meta.dirname, "../../../lib/actions");

describe("action catalog", () => {
  it("registers every declaration file, once, under a unique id", () => {
    const infrastructure = [
      "define-action.ts",
      "registry.ts",
      "catalog-prompt.ts",
      "shared-schemas.ts",
    ];
    const files = readdirSync(actionsDir).filter(
      (f) => f.endsWith(".ts") && !infrastructure.includes(f),
    );
    const ids = actionRegistry.ids();
    expect(new Set(ids).size).toBe(ids.length);
    expect(files.map((f) => f.replace(/\.ts$/, "")).sort()).toEqual(
      ids.map((id) => id.replace(".", "-")).sort(),
    );
  });

  it("marks waits, control and side effects", () => {
    const kinds = Object.fromEntries(actionRegistry.list().map((a) => [a.id, a.kind]));
    expect(kinds).toMatchObject({
      "wait.delay": "wait",
      "wait.until": "wait",
      "wait.approval": "wait",
      "wait.event": "wait",
      "workflow.run": "control",
      "http.request": "task",
    });
    expect(actionRegistry.get("transform")?.sideEffects).toBe(false);
    expect(actionRegistry.get("email.send")?.sideEffects).toBe(true);
  });

  for (const action of actionRegistry.list()) {
    it(`${action.id}: its example input fits its schema (bindings included) and it describes itself`, () => {
      expect(checkInputShape(action.input, action.example)).toEqual([]);
      expect(action.describe?.(action.example)).toMatch(/\S/);
    });
  }

  it("lets a run function be attached later with the declared types", async () => {
    const echo = defineAction({
      id: "test.echo",
      title: "Echo",
      description: "Returns its input",
      kind: "task",
      sideEffects: false,
      input: z.strictObject({ text: z.string() }),
      output: z.object({ text: z.string() }),
      example: { text: "hi" },
      run: async (input) => ({ text: input.text }),
    });
    const registry = createRegistry([echo]);
    const context = createActionContext({
      runId: "r",
      workflowId: "w",
      userId: "u",
      stepId: "s",
      network: createNetworkPolicy(),
    });
    expect(await registry.get("test.echo")?.run?.({ text: "hi" }, context)).toEqual({ text: "hi" });
    expect(registry.get("nope")).toBeUndefined();
  });
});

describe("binding-aware input checks", () => {
  const input = (id: string) => actionRegistry.get(id)!.input;

  it("accepts a whole binding in place of any value", () => {
    expect(
      checkInputShape(input("http.request"), {
        url: "{{ trigger.body.url }}",
        method: "{{ trigger.body.method }}",
        headers: "{{ steps.auth.output.headers }}",
        query: { page: "{{ index }}" },
      }),
    ).toEqual([]);
    expect(
      checkInputShape(input("wait.until"), {
        at: "{{ $atLocalTime('08:00') }}",
        dayOffset: "{{ 1 }}",
      }),
    ).toEqual([]);
  });

  it("accepts bindings inside union members", () => {
    expect(
      checkInputShape(input("email.send"), {
        to: ["{{ user.email }}", "ops@example.com"],
        subject: "x",
        text: "y",
      }),
    ).toEqual([]);
  });

  it("relaxes format checks for interpolated text but not types", () => {
    expect(
      checkInputShape(input("http.request"), { url: "https://{{ trigger.body.host }}/x" }),
    ).toEqual([]);
    expect(
      checkInputShape(input("ai.generate"), { prompt: "x", maxTokens: "{{ 100 }} tokens" }),
    ).toEqual([
      {
        path: ["maxTokens"],
        message:
          'expected a number, got "{{ 100 }} tokens" (text around a {{ }} binding makes it text; write the whole value as "{{ expr }}" to pass the raw value)',
      },
    ]);
  });

  it("still reports what bindings cannot explain", () => {
    expect(checkInputShape(input("chat.post"), { txt: "{{ x }}" })).toEqual([
      { path: ["text"], message: "is required (text)" },
      { path: [], message: 'unknown field "txt" (did you mean "text"?)' },
    ]);
  });
});

describe("catalog prompt", () => {
  it("is generated from the declarations", () => {
    const prompt = renderCatalogPrompt();
    for (const action of actionRegistry.list()) expect(prompt).toContain(renderAction(action));
    expect(renderAction(actionRegistry.get("chat.post")!)).toBe(
      [
        "chat.post (side effects): Post a message (markdown) into the chat thread the workflow belongs to.",
        "  input: { text: string }",
        "  output: { messageId: string }",
        '  example input: {"text":"Open incidents:\\n{{ steps.summarize.output.text }}"}',
      ].join("\n"),
    );
  });

  it("stays compact enough for small models", () => {
    expect(renderCatalogPrompt().length).toBeLessThan(8000);
  });

  it("renders JSON Schema as short types", () => {
    expect(
      compactType({
        type: "object",
        properties: { a: { type: "string" }, b: { type: "array", items: { enum: ["x", "y"] } } },
        required: ["a"],
      }),
    ).toBe('{ a: string, b?: ("x" | "y")[] }');
  });

  it("offers the catalog as JSON with a JSON Schema per action", () => {
    const json = catalogJson();
    expect(json.map((entry) => entry.id)).toEqual(actionRegistry.ids());
    expect(json.find((entry) => entry.id === "chat.post")?.input).toMatchObject({
      type: "object",
      properties: { text: { type: "string" } },
      required: ["text"],
    });
  });
});
