// The prompt budget as sent: a fetch wrapper for the model provider that reads the first
// request's body (chat completions or the Responses API) and measures its system prompt and
// tool definitions in bytes.
import type { PromptBudget } from "./run-eval";

type Json = Record<string, unknown>;

const bytes = (value: unknown) =>
  Buffer.byteLength(typeof value === "string" ? value : JSON.stringify(value ?? ""), "utf8");

function textOf(content: unknown): string {
  if (typeof content === "string") return content;
  if (Array.isArray(content)) {
    return content.map((part) => (typeof part?.text === "string" ? part.text : "")).join("");
  }
  return "";
}

/** The system prompt and tools of one request body. */
export function measureRequestBody(body: Json): Omit<PromptBudget, "mcpSectionBytes"> {
  const isSystem = (m: unknown) => {
    const role = (m as Json | null)?.role;
    return role === "system" || role === "developer";
  };
  const list = (
    Array.isArray(body.messages) ? body.messages : Array.isArray(body.input) ? body.input : []
  ) as Json[];
  const system =
    typeof body.instructions === "string"
      ? body.instructions
      : list
          .filter(isSystem)
          .map((m) => textOf(m.content))
          .join("\n");
  const tools = Array.isArray(body.tools) ? body.tools : [];
  return {
    systemPromptBytes: bytes(system),
    toolSchemaBytes: tools.length ? bytes(tools) : 0,
    tools: tools.length,
  };
}

export function measuringFetch(inner: typeof fetch = globalThis.fetch) {
  let first: Omit<PromptBudget, "mcpSectionBytes"> | undefined;
  const wrapped: typeof fetch = async (input, init) => {
    if (!first && typeof init?.body === "string") {
      try {
        first = measureRequestBody(JSON.parse(init.body) as Json);
      } catch {
        // Not JSON: nothing to measure.
      }
    }
    return inner(input, init);
  };
  return { fetch: wrapped, first: () => first };
}
