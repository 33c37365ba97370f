// `{{ expr }}` templates inside plan strings: find them, and tell raw-value bindings
// ("{{ expr }}" as the whole string) from interpolations ("Hello {{ name }}").

export type TemplateSegment =
  | { kind: "text"; value: string }
  | { kind: "expr"; source: string /** offset of the source in the string */; offset: number };

export class TemplateSyntaxError extends Error {
  constructor(
    message: string,
    readonly offset: number,
  ) {
    super(message);
    this.name = "TemplateSyntaxError";
  }
}

/**
 * Splits a string into text and `{{ expr }}` segments. The scanner skips over quoted strings
 * and balanced braces inside an expression, so `{{ {"a": {"b": 1}} }}` is one expression.
 */
export function scanTemplate(text: string): TemplateSegment[] {
  const segments: TemplateSegment[] = [];
  let cursor = 0;
  while (cursor < text.length) {
    const open = text.indexOf("{{", cursor);
    if (open === -1) break;
    if (open > cursor) segments.push({ kind: "text", value: text.slice(cursor, open) });
    const start = open + 2;
    const end = findClose(text, start);
    if (end === -1) {
      throw new TemplateSyntaxError(
        `"{{" at character ${open + 1} is never closed with "}}"`,
        open,
      );
    }
    segments.push({ kind: "expr", source: text.slice(start, end), offset: start });
    cursor = end + 2;
  }
  if (cursor < text.length) segments.push({ kind: "text", value: text.slice(cursor) });
  return segments;
}

function findClose(text: string, from: number): number {
  let depth = 0;
  let quote: string | undefined;
  for (let i = from; i < text.length; i++) {
    const char = text[i];
    if (quote) {
      if (char === "\\") i++;
      else if (char === quote) quote = undefined;
      continue;
    }
    if (char === '"' || char === "'" || char === "`") quote = char;
    else if (char === "{") depth++;
    else if (char === "}") {
      if (depth === 0 && text[i + 1] === "}") return i;
      depth = Math.max(0, depth - 1);
    }
  }
  return -1;
}

/** True when a string contains at least one `{{`. */
export function hasTemplate(text: string): boolean {
  return text.includes("{{");
}

/**
 * The expression of a string that is exactly one `{{ expr }}` (surrounding whitespace
 * allowed), which evaluates to the raw value rather than text; undefined otherwise.
 */
export function wholeBinding(text: string): string | undefined {
  const trimmed = text.trim();
  if (!trimmed.startsWith("{{") || !trimmed.endsWith("}}")) return undefined;
  try {
    const segments = scanTemplate(trimmed);
    if (segments.length === 1 && segments[0].kind === "expr") return segments[0].source;
  } catch {
    return undefined;
  }
  return undefined;
}

/**
 * Every string in a JSON-like value with its path segments, depth-first in order. Iterative:
 * a value nested thousands of levels deep (from outside, before validation) cannot overflow
 * the stack.
 */
export function* walkStrings(
  value: unknown,
  path: (string | number)[] = [],
): Generator<{ value: string; path: (string | number)[] }> {
  const stack: { value: unknown; path: (string | number)[] }[] = [{ value, path }];
  while (stack.length > 0) {
    const next = stack.pop() as { value: unknown; path: (string | number)[] };
    if (typeof next.value === "string") {
      yield { value: next.value, path: next.path };
    } else if (Array.isArray(next.value)) {
      for (let i = next.value.length - 1; i >= 0; i--) {
        stack.push({ value: next.value[i], path: [...next.path, i] });
      }
    } else if (next.value !== null && typeof next.value === "object") {
      const entries = Object.entries(next.value);
      for (let i = entries.length - 1; i >= 0; i--) {
        stack.push({ value: entries[i][1], path: [...next.path, entries[i][0]] });
      }
    }
  }
}
