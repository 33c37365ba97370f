// The demo model answering a workflow's ai.generate step (a request with no tools): it cannot
// write, so it lists what the prompt carries (incidents, pull requests, numbers), copies text
// it was asked to translate, reads RSS/Atom items when a JSON object is asked for, and says
// plainly that it is the demo model. Deterministic.
import { text } from "./replies";
import type { RecordedRequest, TextReply } from "./types";

type Json = Record<string, unknown>;
const isObject = (value: unknown): value is Json =>
  typeof value === "object" && value !== null && !Array.isArray(value);

const SIGNATURE = "_Listed by Flowchat's demo model: a real model writes a real summary._";

/** The JSON value (object or array) that starts at `start`, if the text there is one. */
function jsonAt(source: string, start: number): unknown {
  const open = source[start];
  const close = open === "[" ? "]" : "}";
  let depth = 0;
  let inString = false;
  for (let i = start; i < source.length; i++) {
    const ch = source[i];
    if (inString) {
      if (ch === "\\") i++;
      else if (ch === '"') inString = false;
    } else if (ch === '"') inString = true;
    else if (ch === open) depth++;
    else if (ch === close && --depth === 0) {
      try {
        return JSON.parse(source.slice(start, i + 1));
      } catch {
        return undefined;
      }
    }
  }
  return undefined;
}

/** The first JSON object or array in the text. */
export function firstJson(source: string): unknown {
  for (let i = 0; i < source.length; i++) {
    if (source[i] !== "[" && source[i] !== "{") continue;
    const value = jsonAt(source, i);
    if (value !== undefined) return value;
  }
  return undefined;
}

const NAME_FIELDS = ["title", "name", "summary", "subject", "text", "id"];

function itemLine(item: unknown): string {
  if (!isObject(item)) return `- ${String(item)}`;
  const name = NAME_FIELDS.map((f) => item[f]).find((v) => typeof v === "string" && v !== "");
  const severity = item.severity ?? item.priority ?? item.level;
  const who = isObject(item.user) ? item.user.login : (item.author ?? item.owner ?? item.service);
  // No times: they come in UTC, and the person reads times in their own zone.
  return [
    "-",
    severity ? `**${String(severity)}**` : "",
    String(name ?? JSON.stringify(item).slice(0, 80)),
    who ? `(${String(who)})` : "",
  ]
    .filter(Boolean)
    .join(" ");
}

const RANK: Record<string, number> = { "sev-1": 1, sev1: 1, critical: 1, "sev-2": 2, high: 2 };
const rank = (item: unknown) =>
  isObject(item) ? (RANK[String(item.severity ?? item.priority ?? "").toLowerCase()] ?? 9) : 9;

/** A list of what the JSON holds: its items most severe first, or an object's fields. */
export function listJson(value: unknown): string {
  const list = Array.isArray(value)
    ? value
    : isObject(value) && Array.isArray(Object.values(value).find(Array.isArray))
      ? (Object.values(value).find(Array.isArray) as unknown[])
      : undefined;
  if (list) {
    if (list.length === 0) return "Nothing to report: the list is empty.";
    const sorted = [...list].sort((a, b) => rank(a) - rank(b));
    const noun = list.length === 1 ? "item" : "items";
    return [`${list.length} ${noun}:`, ...sorted.slice(0, 20).map(itemLine)].join("\n");
  }
  if (isObject(value)) {
    return Object.entries(value)
      .slice(0, 20)
      .map(([key, v]) => `- **${key}:** ${typeof v === "object" ? JSON.stringify(v) : String(v)}`)
      .join("\n");
  }
  return String(value);
}

/** RSS `<item>`s or Atom `<entry>`s: a stable id, the title and the link of each. */
export function feedItems(xml: string): Array<{ id: string; title: string; url: string }> {
  const tag = (block: string, name: string) => {
    const match = new RegExp(`<${name}(?:\\s[^>]*)?>([\\s\\S]*?)</${name}>`, "i").exec(block);
    return match ? match[1].replace(/<!\[CDATA\[([\s\S]*?)\]\]>/g, "$1").trim() : "";
  };
  const blocks = [...xml.matchAll(/<(item|entry)(?:\s[^>]*)?>([\s\S]*?)<\/\1>/gi)].map((m) => m[2]);
  return blocks.map((block) => {
    const href = /<link[^>]*href="([^"]+)"/i.exec(block)?.[1];
    const url = href ?? tag(block, "link");
    return { id: tag(block, "guid") || tag(block, "id") || url, title: tag(block, "title"), url };
  });
}

/** The JSON Schema a request asks the answer to follow, if any (either API). */
export function requestedSchema(body: Json): Json | undefined {
  const chat = body.response_format;
  if (isObject(chat) && chat.type === "json_schema" && isObject(chat.json_schema)) {
    return isObject(chat.json_schema.schema) ? chat.json_schema.schema : undefined;
  }
  const format = isObject(body.text) ? body.text.format : undefined;
  if (isObject(format) && format.type === "json_schema" && isObject(format.schema)) {
    return format.schema;
  }
  return undefined;
}

/** The smallest value that fits a schema (empty lists, zeros, "demo"). */
function minimalValue(schema: unknown): unknown {
  if (!isObject(schema)) return null;
  if (Array.isArray(schema.enum) && schema.enum.length > 0) return schema.enum[0];
  const type = Array.isArray(schema.type) ? schema.type[0] : schema.type;
  switch (type) {
    case "object": {
      const properties = isObject(schema.properties) ? schema.properties : {};
      return Object.fromEntries(Object.entries(properties).map(([k, v]) => [k, minimalValue(v)]));
    }
    case "array":
      return [];
    case "string":
      return "demo";
    case "number":
    case "integer":
      return 0;
    case "boolean":
      return false;
    default:
      return null;
  }
}

/** An object for the schema: feed items when the prompt holds a feed, else the minimal value. */
function objectFor(schema: Json, prompt: string): unknown {
  const value = minimalValue(schema) as Json;
  const items = feedItems(prompt);
  if (isObject(value) && items.length > 0) {
    const listKey = Object.entries(isObject(schema.properties) ? schema.properties : {}).find(
      ([, v]) => isObject(v) && v.type === "array",
    )?.[0];
    if (listKey) value[listKey] = items;
  }
  return value;
}

export function generateReply(request: RecordedRequest): TextReply {
  const prompt = request.lastUserText ?? "";
  const schema = requestedSchema(request.body);
  if (schema) return text(JSON.stringify(objectFor(schema, prompt)));

  const translate = /^translate (?:it |this )?into ([^.\n]{1,40})[.:]/i.exec(prompt.trim());
  if (translate) {
    const original =
      prompt
        .split(/\n\s*\n/)
        .slice(1)
        .join("\n\n")
        .trim() || prompt;
    return text(
      `${original}\n\n_Flowchat's demo model does not translate: a real model would write this in ${translate[1].trim()}._`,
    );
  }
  const json = firstJson(prompt);
  if (json !== undefined) return text(`${listJson(json)}\n\n${SIGNATURE}`);
  return text(
    "Flowchat's demo model cannot write this: configure a real model (OPENAI_API_KEY or OPENAI_BASE_URL, see the README) and run it again.",
  );
}
