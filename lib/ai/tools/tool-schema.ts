// A chat tool's input schema as OpenAI accepts it without warnings, from the zod schema the tool
// validates with. Zod writes a record's key type as `propertyNames`, which OpenAI does not
// support (the provider strips it and logs "JSON Schema propertyNames … compatibility mode" on
// every request); free-form objects here are plain `additionalProperties` maps instead.
//
// A closed schema (every object lists its properties) is sent with `strict: true`: OpenAI then
// generates arguments that always fit it. Strict mode wants every property listed in
// `required`, so an optional one becomes "this type or null", and a null the model sends for it
// is dropped before the zod schema validates: `execute` sees the same input as before.
// Providers without strict mode (most OpenAI-compatible servers) ignore the flag.
import { jsonSchema, type Schema } from "ai";
import { z } from "zod";

type JsonSchema = { [key: string]: unknown };

const isObject = (value: unknown): value is JsonSchema =>
  typeof value === "object" && value !== null && !Array.isArray(value);

/** Removes what OpenAI does not take: `propertyNames`, and a `pattern` beside a `format`. */
function compatible(node: unknown): unknown {
  if (Array.isArray(node)) return node.map(compatible);
  if (!isObject(node)) return node;
  const out: JsonSchema = {};
  for (const [key, value] of Object.entries(node)) {
    if (key === "propertyNames" || key === "$schema") continue;
    // Zod adds its own regex for `format: date-time` / `uuid`; the format says it, and zod
    // checks the value anyway.
    if (key === "pattern" && typeof node.format === "string") continue;
    if (key === "properties" && isObject(value)) {
      out[key] = Object.fromEntries(Object.entries(value).map(([k, v]) => [k, compatible(v)]));
    } else {
      out[key] = compatible(value);
    }
  }
  return out;
}

/** "This or null": how strict mode spells an optional property. */
function orNull(node: JsonSchema): JsonSchema {
  if (typeof node.type === "string" && !("anyOf" in node)) {
    const enumValues = Array.isArray(node.enum) ? { enum: [...node.enum, null] } : {};
    return { ...node, type: [node.type, "null"], ...enumValues };
  }
  const { description, ...rest } = node;
  return { anyOf: [rest, { type: "null" }], ...(description ? { description } : {}) };
}

/** Strict mode's shape: closed objects, every property required (optional ones nullable). */
function strictShape(node: unknown, path: string): unknown {
  if (Array.isArray(node)) return node.map((item) => strictShape(item, path));
  if (!isObject(node)) return node;
  const out: JsonSchema = { ...node };
  if (node.type === "object") {
    if (!isObject(node.properties) || isObject(node.additionalProperties)) {
      throw new Error(`${path || "the input"} is a free-form object: this tool cannot be strict`);
    }
    const required = new Set(Array.isArray(node.required) ? (node.required as string[]) : []);
    out.properties = Object.fromEntries(
      Object.entries(node.properties).map(([key, value]) => {
        const shaped = strictShape(value, path ? `${path}.${key}` : key) as JsonSchema;
        return [key, required.has(key) ? shaped : orNull(shaped)];
      }),
    );
    out.required = Object.keys(node.properties);
    out.additionalProperties = false;
  }
  for (const key of ["items", "anyOf"] as const) {
    if (key in node) out[key] = strictShape(node[key], path);
  }
  return out;
}

/** A strict call's nulls for optional properties, dropped (zod's `.optional()` wants them absent). */
function withoutNulls(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(withoutNulls);
  if (!isObject(value)) return value;
  return Object.fromEntries(
    Object.entries(value)
      .filter(([, item]) => item !== null)
      .map(([key, item]) => [key, withoutNulls(item)]),
  );
}

/** The JSON Schema the model is sent for this zod schema (exported for tests). */
export function toolJsonSchema(schema: z.ZodType, { strict }: { strict: boolean }): JsonSchema {
  const base = compatible(z.toJSONSchema(schema, { target: "draft-7" }));
  return (strict ? strictShape(base, "") : base) as JsonSchema;
}

/**
 * A tool's `inputSchema` and `strict` flag from its zod schema: spread it into `tool({ … })`.
 * `strict: true` throws at startup when the schema has a free-form object (those tools must be
 * `strict: false`: OpenAI's strict mode cannot describe them).
 */
export function toolInput<T extends z.ZodType>(
  schema: T,
  { strict }: { strict: boolean },
): { inputSchema: Schema<z.output<T>>; strict: boolean } {
  const json = toolJsonSchema(schema, { strict });
  return {
    strict,
    inputSchema: jsonSchema<z.output<T>>(json as Parameters<typeof jsonSchema>[0], {
      validate: (value) => {
        const parsed = schema.safeParse(strict ? withoutNulls(value) : value);
        return parsed.success
          ? { success: true, value: parsed.data }
          : { success: false, error: parsed.error };
      },
    }),
  };
}
