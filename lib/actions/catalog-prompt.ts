// The action catalog as the model sees it, generated from the declarations: compact
// TypeScript-like signatures (small models read these better than full JSON Schema) and a
// JSON form for tools and UIs.
import { z } from "zod";
import type { ActionDeclaration } from "./define-action";
import { type ActionRegistry, actionRegistry } from "./registry";

type JsonSchema = {
  type?: string | string[];
  properties?: Record<string, JsonSchema>;
  required?: string[];
  additionalProperties?: boolean | JsonSchema;
  items?: JsonSchema;
  enum?: unknown[];
  const?: unknown;
  anyOf?: JsonSchema[];
  oneOf?: JsonSchema[];
  allOf?: JsonSchema[];
  description?: string;
};

export function toJsonSchema(schema: z.ZodType): Record<string, unknown> {
  const json = z.toJSONSchema(schema, { io: "input", unrepresentable: "any" }) as Record<
    string,
    unknown
  >;
  delete json.$schema;
  return json;
}

/** `{ url: string, method?: "GET" | "POST" }` for a JSON Schema. */
export function compactType(schema: JsonSchema, depth = 0): string {
  if (depth > 4) return "object";
  if (schema.const !== undefined) return JSON.stringify(schema.const);
  if (schema.enum) return schema.enum.map((value) => JSON.stringify(value)).join(" | ");
  const union = schema.anyOf ?? schema.oneOf;
  if (union) return union.map((option) => compactType(option, depth + 1)).join(" | ");
  if (schema.allOf && schema.allOf.length > 0) return compactType(schema.allOf[0], depth + 1);
  const type = Array.isArray(schema.type) ? schema.type.join(" | ") : schema.type;
  switch (type) {
    case "string":
      return "string";
    case "number":
      return "number";
    case "integer":
      return "integer";
    case "boolean":
      return "boolean";
    case "null":
      return "null";
    case "array":
      return `${wrap(compactType(schema.items ?? {}, depth + 1))}[]`;
    case "object": {
      const props = Object.entries(schema.properties ?? {});
      if (props.length === 0) {
        const extra = schema.additionalProperties;
        return typeof extra === "object"
          ? `{ [key: string]: ${compactType(extra, depth + 1)} }`
          : "object";
      }
      const required = new Set(schema.required ?? []);
      const fields = props.map(
        ([name, prop]) =>
          `${name}${required.has(name) ? "" : "?"}: ${compactType(prop, depth + 1)}`,
      );
      return `{ ${fields.join(", ")} }`;
    }
    default:
      return type ?? "any";
  }
}

function wrap(type: string): string {
  return type.includes(" ") && !type.startsWith("{") ? `(${type})` : type;
}

/** One action in compact text: id, description, input and output types, an example. */
export function renderAction(action: ActionDeclaration): string {
  const flags = [
    action.kind === "wait" ? "wait" : undefined,
    action.sideEffects ? "side effects" : undefined,
  ]
    .filter(Boolean)
    .join(", ");
  return [
    `${action.id}${flags ? ` (${flags})` : ""}: ${action.description}`,
    `  input: ${compactType(toJsonSchema(action.input) as JsonSchema)}`,
    `  output: ${compactType(toJsonSchema(action.output) as JsonSchema)}`,
    `  example input: ${JSON.stringify(action.example)}`,
  ].join("\n");
}

/** The whole catalog as prompt text, in registry order. */
export function renderCatalogPrompt(registry: ActionRegistry = actionRegistry): string {
  return [
    "Actions (use exactly these ids in step.action; any string value in input may contain {{ expr }} bindings):",
    ...registry.list().map(renderAction),
  ].join("\n\n");
}

export interface CatalogEntryJson {
  id: string;
  title: string;
  description: string;
  kind: string;
  sideEffects: boolean;
  input: Record<string, unknown>;
  output: Record<string, unknown>;
  example: Record<string, unknown>;
}

/** The catalog as JSON (JSON Schema per action), for tools, UIs and tests. */
export function catalogJson(registry: ActionRegistry = actionRegistry): CatalogEntryJson[] {
  return registry.list().map((action) => ({
    id: action.id,
    title: action.title,
    description: action.description,
    kind: action.kind,
    sideEffects: action.sideEffects,
    input: toJsonSchema(action.input),
    output: toJsonSchema(action.output),
    example: action.example,
  }));
}
