// Reading request bodies at the app's edge: every body has a size limit, enforced while the
// body streams in (a 400 MB post is refused after the first megabyte, never buffered), JSON
// routes take only JSON, and JSON that PostgreSQL cannot store (NUL characters, lone UTF-16
// surrogates) or that nests absurdly deep is a clear 400 before anything is saved.
import { AppError, type Surface } from "@/lib/errors";

/** Default cap for webhooks and JSON routes (MAX_REQUEST_BYTES overrides it). */
export const DEFAULT_MAX_REQUEST_BYTES = 1024 * 1024;
/** Deepest nesting a JSON body may have. */
export const MAX_JSON_DEPTH = 64;
/** A UTF-16 surrogate without its pair: JSON allows it ("\ud800"), PostgreSQL does not. */
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

function sizeLabel(bytes: number): string {
  if (bytes >= 1024 * 1024 && bytes % (1024 * 1024) === 0) return `${bytes / (1024 * 1024)} MB`;
  if (bytes >= 1024 && bytes % 1024 === 0) return `${bytes / 1024} KB`;
  return `${bytes} bytes`;
}

export function tooLarge(limit: number, surface: Surface = "api"): AppError {
  return new AppError(
    `payload_too_large:${surface}`,
    `The request body is too large (${sizeLabel(limit)} at most).`,
  );
}

/**
 * The body's bytes, refusing with 413 as soon as it passes `limit`: a declared
 * Content-Length over the limit is refused before reading, and a streamed body is cut off.
 */
export async function readBodyBytes(
  request: Request,
  { limit, surface = "api" }: { limit: number; surface?: Surface },
): Promise<Buffer> {
  const declared = Number(request.headers.get("content-length"));
  if (Number.isFinite(declared) && declared > limit) throw tooLarge(limit, surface);
  if (!request.body) return Buffer.alloc(0);
  const reader = request.body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.byteLength;
    if (size > limit) {
      await reader.cancel().catch(() => {});
      throw tooLarge(limit, surface);
    }
    chunks.push(value);
  }
  return Buffer.concat(chunks);
}

/** True for `application/json` and `application/<something>+json`. */
export function isJsonContentType(value: string | null): boolean {
  const type = (value ?? "").split(";")[0].trim().toLowerCase();
  return type === "application/json" || (type.startsWith("application/") && type.endsWith("+json"));
}

/**
 * Where a parsed JSON value holds something PostgreSQL cannot store or nests too deep, as a
 * path and a reason; undefined when it is fine. Iterative, so depth cannot overflow the stack.
 */
export function findUnstorableJson(
  value: unknown,
  maxDepth = MAX_JSON_DEPTH,
): { path: string; reason: string } | undefined {
  const stack: { value: unknown; path: string; depth: number }[] = [{ value, path: "", depth: 0 }];
  const checkText = (text: string, path: string, what: string) => {
    if (text.includes("\u0000")) return { path, reason: `${what} contains a NUL character` };
    if (LONE_SURROGATE.test(text)) return { path, reason: `${what} contains invalid Unicode` };
    return undefined;
  };
  while (stack.length > 0) {
    const item = stack.pop() as { value: unknown; path: string; depth: number };
    if (typeof item.value === "string") {
      const problem = checkText(item.value, item.path, "a text value");
      if (problem) return problem;
      continue;
    }
    if (item.value === null || typeof item.value !== "object") continue;
    if (item.depth >= maxDepth) {
      return { path: item.path, reason: `nests deeper than ${maxDepth} levels` };
    }
    if (Array.isArray(item.value)) {
      item.value.forEach((entry, index) => {
        stack.push({ value: entry, path: `${item.path}[${index}]`, depth: item.depth + 1 });
      });
      continue;
    }
    for (const [key, entry] of Object.entries(item.value)) {
      const path = item.path ? `${item.path}.${key}` : key;
      const problem = checkText(key, path, "a key");
      if (problem) return problem;
      stack.push({ value: entry, path, depth: item.depth + 1 });
    }
  }
  return undefined;
}

/** Parses JSON text and checks it can be stored; a clear 400 otherwise. */
export function parseStorableJson(text: string, surface: Surface = "api"): unknown {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    throw new AppError(`bad_request:${surface}`, "The request body must be JSON.");
  }
  const problem = findUnstorableJson(value);
  if (problem) {
    throw new AppError(
      `bad_request:${surface}`,
      `The request body cannot be accepted: ${problem.path ? `${problem.path} ` : "it "}${problem.reason}.`,
    );
  }
  return value;
}

/**
 * A JSON route's body: `application/json` only (415 otherwise), at most `limit` bytes (413),
 * valid and storable JSON (400). An empty body is `undefined` when `optional`, else a 400.
 */
export async function readJsonBody(
  request: Request,
  {
    limit = DEFAULT_MAX_REQUEST_BYTES,
    surface = "api",
    optional = false,
  }: { limit?: number; surface?: Surface; optional?: boolean } = {},
): Promise<unknown> {
  const bytes = await readBodyBytes(request, { limit, surface });
  if (bytes.length === 0) {
    if (optional) return undefined;
    throw new AppError(`bad_request:${surface}`, "The request needs a JSON body.");
  }
  if (!isJsonContentType(request.headers.get("content-type"))) {
    throw new AppError(
      `unsupported_media_type:${surface}`,
      "Send the body as JSON (Content-Type: application/json).",
    );
  }
  return parseStorableJson(decodeUtf8(bytes, surface), surface);
}

/** Strict UTF-8 decoding: malformed bytes are a 400, not silently replaced. */
export function decodeUtf8(bytes: Uint8Array, surface: Surface = "api"): string {
  try {
    return new TextDecoder("utf-8", { fatal: true }).decode(bytes);
  } catch {
    throw new AppError(`bad_request:${surface}`, "The request body is not valid UTF-8 text.");
  }
}

/**
 * A body an outside system sent (a webhook, a resume link's payload), whatever its type:
 * declared JSON is parsed strictly, a form becomes an object, other text stays text (or, with
 * `sniffJson`, is parsed when it is JSON). Empty is null; bodies that are not UTF-8 text, or
 * that hold NUL characters, are a clear 400.
 */
export function parseIncomingBody(
  bytes: Uint8Array,
  contentType: string | null,
  { surface = "api", sniffJson = false }: { surface?: Surface; sniffJson?: boolean } = {},
): unknown {
  if (bytes.length === 0) return null;
  const text = decodeUtf8(bytes, surface);
  const type = (contentType ?? "").toLowerCase();
  if (isJsonContentType(type)) return parseStorableJson(text, surface);
  if (text.includes("\u0000")) {
    throw new AppError(`bad_request:${surface}`, "The request body contains a NUL character.");
  }
  if (type.startsWith("application/x-www-form-urlencoded")) {
    return Object.fromEntries(new URLSearchParams(text));
  }
  if (sniffJson && /^\s*[[{"]/.test(text)) {
    try {
      return parseStorableJson(text, surface);
    } catch {
      // Not JSON after all: keep it as the text it is.
    }
  }
  if (LONE_SURROGATE.test(text)) {
    throw new AppError(`bad_request:${surface}`, "The request body contains invalid Unicode.");
  }
  return text;
}
