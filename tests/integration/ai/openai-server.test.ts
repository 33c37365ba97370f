// The test server's own contract, on the raw wire: what any OpenAI-compatible client sees.
import { describe, expect, it } from "vitest";
import { suiteResource } from "@/tests/helpers/suite-resource";
import { startOpenAIServer, text, toolCall } from "../../fixtures/openai-server";

const server = suiteResource(startOpenAIServer, {
  beforeEach: (s) => s.reset(),
  close: (s) => s.close(),
});

const post = (path: string, body: unknown) =>
  fetch(`${server.baseURL}${path}`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: typeof body === "string" ? body : JSON.stringify(body),
  });

/** The `data:` payloads of an SSE body, in order. */
function dataLines(body: string): string[] {
  return body
    .split("\n\n")
    .filter(Boolean)
    .map(
      (event) =>
        event
          .split("\n")
          .find((line) => line.startsWith("data: "))
          ?.slice(6) ?? "",
    );
}

describe("the local OpenAI-compatible server", () => {
  it("listens on loopback with a free port and a /v1 base URL", () => {
    expect(server.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect(server.port).toBeGreaterThan(0);
    expect(server.baseURL).toBe(`${server.url}/v1`);
  });

  it("lists its models", async () => {
    const response = await fetch(`${server.baseURL}/models`);
    expect(await response.json()).toEqual({
      object: "list",
      data: [{ id: "flowchat-echo", object: "model", created: 0, owned_by: "flowchat-test" }],
    });
  });

  it("streams chat completion chunks, usage last when asked, then [DONE]", async () => {
    const response = await post("/chat/completions", {
      model: "m",
      stream: true,
      stream_options: { include_usage: true },
      messages: [{ role: "user", content: "hello there" }],
    });
    expect(response.headers.get("content-type")).toContain("text/event-stream");
    const lines = dataLines(await response.text());

    expect(lines.at(-1)).toBe("[DONE]");
    const chunks = lines.slice(0, -1).map((line) => JSON.parse(line));
    expect(chunks.every((c) => c.object === "chat.completion.chunk")).toBe(true);
    const content = chunks.map((c) => c.choices[0]?.delta.content ?? "").join("");
    expect(content).toBe('You said: "hello there"');
    expect(chunks.at(-2).choices[0].finish_reason).toBe("stop");
    expect(chunks.at(-1)).toMatchObject({
      choices: [],
      usage: { total_tokens: expect.any(Number) },
    });
  });

  it("leaves usage out of chat chunks unless stream_options asks for it", async () => {
    const response = await post("/chat/completions", {
      model: "m",
      stream: true,
      messages: [{ role: "user", content: "hi" }],
    });
    const chunks = dataLines(await response.text())
      .slice(0, -1)
      .map((line) => JSON.parse(line));
    expect(chunks.some((c) => "usage" in c)).toBe(false);
  });

  it("streams a tool call as indexed argument deltas", async () => {
    server.script(toolCall("lookup", { q: "flowchat" }, { id: "call_fixed" }));
    const response = await post("/chat/completions", {
      model: "m",
      stream: true,
      messages: [{ role: "user", content: "look it up" }],
    });
    const chunks = dataLines(await response.text())
      .slice(0, -1)
      .map((line) => JSON.parse(line));
    const deltas = chunks.flatMap((c) => c.choices[0]?.delta.tool_calls ?? []);

    expect(deltas[0]).toEqual({
      index: 0,
      id: "call_fixed",
      type: "function",
      function: { name: "lookup", arguments: "" },
    });
    expect(deltas.map((d) => d.function.arguments).join("")).toBe('{"q":"flowchat"}');
    expect(chunks.at(-1).choices[0].finish_reason).toBe("tool_calls");
  });

  it("answers a non-streaming chat completion", async () => {
    server.script(text("Done."));
    const response = await post("/chat/completions", {
      model: "m",
      messages: [{ role: "user", content: "hi" }],
    });
    expect(await response.json()).toMatchObject({
      object: "chat.completion",
      model: "m",
      choices: [
        { index: 0, message: { role: "assistant", content: "Done." }, finish_reason: "stop" },
      ],
      usage: { prompt_tokens: expect.any(Number), completion_tokens: 1 },
    });
  });

  it("streams Responses API events with names and sequence numbers", async () => {
    server.script(text("Two words"));
    const response = await post("/responses", { model: "m", stream: true, input: "hi" });
    const body = await response.text();
    const events = body
      .split("\n\n")
      .filter(Boolean)
      .map((event) => {
        const [name, data] = event.split("\n");
        return { name: name.replace("event: ", ""), data: JSON.parse(data.replace("data: ", "")) };
      });

    expect(events.map((e) => e.name)).toEqual([
      "response.created",
      "response.in_progress",
      "response.output_item.added",
      "response.content_part.added",
      "response.output_text.delta",
      "response.output_text.delta",
      "response.output_text.done",
      "response.content_part.done",
      "response.output_item.done",
      "response.completed",
    ]);
    expect(events.every((e, i) => e.data.type === e.name && e.data.sequence_number === i)).toBe(
      true,
    );
    expect(events.at(-1)?.data.response).toMatchObject({
      status: "completed",
      output: [{ type: "message", content: [{ type: "output_text", text: "Two words" }] }],
      usage: { output_tokens: 2 },
    });
  });

  it("answers with an OpenAI error body for unknown routes and bad JSON", async () => {
    const missing = await fetch(`${server.baseURL}/embeddings`, { method: "POST", body: "{}" });
    expect(missing.status).toBe(404);
    expect((await missing.json()).error).toMatchObject({ type: "invalid_request_error" });

    const malformed = await post("/chat/completions", "{not json");
    expect(malformed.status).toBe(400);
    expect((await malformed.json()).error.message).toContain("parse the JSON body");

    const noModel = await post("/responses", { input: "hi" });
    expect(noModel.status).toBe(400);
    expect(server.requests).toHaveLength(0);
  });

  it("answers 500 with a readable message when a reply function throws", async () => {
    server.script(() => {
      throw new Error("bad script");
    });
    const response = await post("/responses", { model: "m", input: "hi" });
    expect(response.status).toBe(500);
    expect((await response.json()).error.message).toContain("bad script");
  });

  it("replies from the script in order, then from the default", async () => {
    server.script("first", ["second", "third"]);
    server.setDefault((request) => text(`default for ${request.lastUserText}`));
    expect(server.pending).toBe(3);

    const answers: string[] = [];
    for (let i = 0; i < 4; i++) {
      const response = await post("/chat/completions", {
        model: "m",
        messages: [{ role: "user", content: `q${i}` }],
      });
      answers.push((await response.json()).choices[0].message.content);
    }
    expect(answers).toEqual(["first", "second", "third", "default for q3"]);
    expect(server.pending).toBe(0);
  });
});
