import { z } from "zod";
import { formatDuration } from "@/lib/format/duration";
import { NetworkError } from "@/lib/net/errors";
import { originOf } from "@/lib/net/policy";
import { flattenHeaders, guardedRequest, readBody } from "@/lib/net/request";
import { defineAction, withRun, withSimulation } from "./define-action";
import { deadlineSignal } from "./runtime/context";
import { ActionError, isRetriableStatus, parseRetryAfter } from "./runtime/errors";
import { httpUrl, shortUrl } from "./shared-schemas";

export const httpRequestDeclaration = defineAction({
  id: "http.request",
  title: "HTTP request",
  description:
    "Call an HTTP API. JSON responses are parsed into body. Use secrets for credentials in headers.",
  kind: "task",
  sideEffects: true,
  input: z.strictObject({
    url: httpUrl,
    method: z.enum(["GET", "POST", "PUT", "PATCH", "DELETE", "HEAD"]).optional(),
    headers: z.record(z.string(), z.string()).optional(),
    query: z.record(z.string(), z.union([z.string(), z.number(), z.boolean()])).optional(),
    body: z.unknown().optional().describe("JSON value or text"),
    responseType: z.enum(["auto", "json", "text"]).optional(),
  }),
  output: z.object({
    status: z.number().int(),
    headers: z.record(z.string(), z.string()),
    body: z.unknown(),
  }),
  describe: (input) => {
    const method = typeof input.method === "string" ? input.method : "GET";
    return `call ${method} ${shortUrl(input.url)}`;
  },
  // GET and HEAD read; any other method writes (a computed one may, so it counts as writing).
  effect: (input) => {
    const method = input.method;
    if (method === undefined || method === "GET" || method === "HEAD") {
      return {
        class: "reads",
        kind: "http",
        does: `reads ${method ?? "GET"} ${shortUrl(input.url)}`,
      };
    }
    if (typeof method === "string" && !method.includes("{{")) {
      return { class: "writes", kind: "http", does: `sends the ${method} request` };
    }
    return {
      class: "writes",
      kind: "http",
      does: "sends the request",
      note: "its method is computed",
    };
  },
  example: {
    url: "https://status.example.com/api/incidents",
    query: { state: "open" },
    headers: { Authorization: "Bearer {{ secrets.STATUS_TOKEN }}" },
  },
});

/** How much of an error response's body goes into the error message. */
const ERROR_BODY_CHARS = 200;

function hasHeader(headers: Record<string, string>, name: string) {
  return Object.keys(headers).some((key) => key.toLowerCase() === name);
}

/** "https://host/path" for messages: no query string, no credentials. */
export function describeUrl(url: URL): string {
  return `${originOf(url)}${url.pathname === "/" ? "" : url.pathname}`;
}

function charsetOf(contentType: string): string {
  const match = contentType.match(/charset=("?)([^";]+)\1/i);
  try {
    return new TextDecoder(match?.[2] ?? "utf-8").encoding;
  } catch {
    return "utf-8";
  }
}

type HttpInput = z.output<typeof httpRequestDeclaration.input>;

/** The request as it goes out: URL with the query, headers with defaults, the body as text. */
function outgoingRequest(input: HttpInput) {
  const method = input.method ?? "GET";
  const url = new URL(input.url);
  for (const [name, value] of Object.entries(input.query ?? {})) {
    url.searchParams.append(name, String(value));
  }
  const headers: Record<string, string> = { ...(input.headers ?? {}) };
  if (!hasHeader(headers, "user-agent")) headers["user-agent"] = "Flowchat (workflow step)";
  if (!hasHeader(headers, "accept-encoding")) headers["accept-encoding"] = "gzip, deflate, br";
  let body: string | undefined;
  if (input.body !== undefined && input.body !== null) {
    if (method === "GET" || method === "HEAD") {
      throw new ActionError(`A ${method} request cannot have a body; use POST or PUT`, {
        code: "invalid_input",
        retriable: false,
      });
    }
    const text = typeof input.body === "string";
    body = text ? (input.body as string) : JSON.stringify(input.body);
    if (!hasHeader(headers, "content-type")) {
      headers["content-type"] = text ? "text/plain; charset=utf-8" : "application/json";
    }
  }
  return { method, url, headers, body };
}

const runHttpRequest = withRun(httpRequestDeclaration, async (input, context) => {
  const { method, url, headers, body } = outgoingRequest(input);

  const policy = context.network;
  const timeoutMs = context.timeoutMs ?? policy.timeoutMs;
  const signal = deadlineSignal(context, policy.timeoutMs);
  const target = `${method} ${describeUrl(url)}`;
  try {
    // Every secret of the person counts: the plan may have put one in any header.
    const sensitiveValues = context.secrets.names().flatMap((name) => {
      const value = context.secrets.get(name);
      return value === undefined ? [] : [value];
    });
    const response = await guardedRequest(url, policy, {
      method,
      headers,
      body,
      signal,
      sensitiveValues,
    });
    const raw =
      method === "HEAD"
        ? Buffer.alloc(0)
        : await readBody(response, policy.maxResponseBytes, signal);
    const contentType = String(response.headers["content-type"] ?? "");
    const text = new TextDecoder(charsetOf(contentType)).decode(raw);
    if (response.status >= 400) {
      const excerpt = text.replace(/\s+/g, " ").trim().slice(0, ERROR_BODY_CHARS);
      throw new ActionError(
        `HTTP ${response.status} from ${describeUrl(response.url)}${excerpt ? `: ${excerpt}` : ""}`,
        {
          code: "http_status",
          status: response.status,
          retriable: isRetriableStatus(response.status),
          retryAfterMs: parseRetryAfter(response.headers["retry-after"]),
        },
      );
    }
    context.logger.debug(`${target} → ${response.status} (${raw.length} bytes)`);
    return {
      status: response.status,
      headers: flattenHeaders(response.headers),
      body: decodeBody(text, contentType, input.responseType ?? "auto", response.url),
    };
  } catch (error) {
    if (error instanceof NetworkError && error.code === "timeout") {
      throw new ActionError(`${target} timed out after ${formatDuration(timeoutMs)}`, {
        code: "timeout",
        retriable: true,
      });
    }
    throw error;
  }
});

/**
 * A test run's request: GET and HEAD read, so they run for real (through the same network
 * policy); any other method is described, not sent. Its stand-in output is an empty 200.
 */
export const httpRequest = withSimulation(runHttpRequest, async (input) => {
  const { method, url, headers, body } = outgoingRequest(input);
  if (method === "GET" || method === "HEAD") return null;
  let payload: unknown = body;
  if (body !== undefined && typeof input.body !== "string") payload = input.body;
  return {
    wouldSend: {
      kind: "http",
      summary: `${method} ${describeUrl(url)}`,
      method,
      url: url.toString(),
      headers,
      ...(payload !== undefined ? { payload } : {}),
    },
    output: { status: 200, headers: {}, body: null },
  };
});

function decodeBody(
  text: string,
  contentType: string,
  responseType: "auto" | "json" | "text",
  url: URL,
): unknown {
  if (responseType === "text") return text;
  const looksJson = /[/+]json\b/i.test(contentType);
  if (responseType === "auto" && !looksJson) return text;
  if (text.trim() === "") return null;
  try {
    return JSON.parse(text);
  } catch {
    if (responseType === "auto") return text;
    throw new ActionError(
      `The response from ${describeUrl(url)} is not valid JSON (content-type: ${contentType || "none"})`,
      { code: "invalid_output", retriable: false },
    );
  }
}
