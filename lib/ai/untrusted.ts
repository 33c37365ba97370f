// Third-party text (fetched pages, webhook bodies, emails, run outputs, what a workflow posts,
// MCP servers' tool descriptions) reaches the model only inside one delimiter, attributed to its
// source, so the model can tell it from the person's words and its own. The system prompt says
// what the delimiter means; this file is the only writer of it.

export const UNTRUSTED_TAG = "untrusted-data";

/**
 * An opening or closing delimiter inside the text itself (`</untrusted-data>`, with spaces,
 * other case, a fullwidth `＜` or an underscore) would end the block early and let the rest pass
 * as the person's words: its `<` becomes `&lt;`, so it reads the same and closes nothing.
 */
const DELIMITER_LOOKALIKE = /[<\uFF1C\uFE64](\s*\/?\s*untrusted[\s_-]*data)/gi;

export function neutralizeDelimiters(text: string): string {
  return text.replace(DELIMITER_LOOKALIKE, "&lt;$1");
}

/** An attribute value on one line, without quotes or angle brackets, at most 120 characters. */
function attributeValue(value: string): string {
  const flat = value
    // biome-ignore lint/suspicious/noControlCharactersInRegex: control characters are what is removed
    .replace(/[\u0000-\u001F\u007F"<>\uFF1C\uFF1E]+/g, " ")
    .replace(/\s+/g, " ")
    .trim();
  return flat.length > 120 ? `${flat.slice(0, 119)}…` : flat;
}

export type UntrustedAttributes = Record<string, string | null | undefined>;

/**
 * `content` wrapped as data: `<untrusted-data source="…" …>` … `</untrusted-data>`. Attributes
 * with no value are left out; `source` says where the text came from in a few words.
 */
export function untrustedData(
  source: string,
  content: string,
  attributes: UntrustedAttributes = {},
): string {
  const attrs = Object.entries({ source, ...attributes })
    .filter((entry): entry is [string, string] => typeof entry[1] === "string" && entry[1] !== "")
    .map(([name, value]) => ` ${name}="${attributeValue(value)}"`)
    .join("");
  return `<${UNTRUSTED_TAG}${attrs}>\n${neutralizeDelimiters(content)}\n</${UNTRUSTED_TAG}>`;
}

/**
 * A tool result that carries outside text, as the model reads it (a tool's `toModelOutput`):
 * one line of the app's own words, then the result as JSON inside the delimiter.
 */
export function untrustedToolOutput(
  source: string,
  value: unknown,
  attributes: UntrustedAttributes = {},
  note = "",
) {
  const json = JSON.stringify(value ?? null);
  return {
    type: "text" as const,
    value: `${note ? `${note}\n` : ""}${untrustedData(source, json, attributes)}`,
  };
}
