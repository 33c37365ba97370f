// Outbound HTTP with the SSRF guard: every hop's host is resolved and checked by
// `checkDestination`, the socket is pinned to the checked address (a custom `lookup`, so a
// DNS rebind between check and connect changes nothing), and redirects are followed by hand.
import http, { type IncomingHttpHeaders, type IncomingMessage } from "node:http";
import https from "node:https";
import type { LookupFunction } from "node:net";
import { Readable } from "node:stream";
import zlib from "node:zlib";
import { createRedactor } from "@/lib/secrets/redact";
import { NetworkError } from "./errors";
import {
  checkDestination,
  type NetworkPolicy,
  originOf,
  portOf,
  type ResolvedAddress,
} from "./policy";

export interface GuardedRequestOptions {
  method?: string;
  headers?: Record<string, string>;
  body?: string | Uint8Array;
  /** Aborts the whole exchange, redirects and body included (timeouts come in through it). */
  signal?: AbortSignal;
  /** Follow 301/302/303/307/308 (default); each hop counts against policy.maxRedirects. */
  followRedirects?: boolean;
  /**
   * The caller's secret values: a header carrying one (raw, URL-encoded, base64…) is not
   * sent on after a redirect to another origin, whatever its name.
   */
  sensitiveValues?: readonly string[];
}

export interface GuardedResponse {
  /** The URL that answered (after redirects). */
  url: URL;
  status: number;
  headers: IncomingHttpHeaders;
  /** The raw (still encoded) body; read it with `readBody`. */
  stream: IncomingMessage;
  redirects: string[];
}

const REDIRECTS = new Set([301, 302, 303, 307, 308]);
/**
 * Header names dropped when a redirect leaves the origin (browsers and curl drop
 * Authorization and Cookie; APIs put keys in many more): Authorization, Proxy-Authorization,
 * Cookie, X-Api-Key, Private-Token, X-Auth-Token, X-Session-Id, X-Hub-Signature, Idempotency-Key…
 * Host goes too: it named the origin the caller meant.
 */
export const CREDENTIAL_HEADER =
  /auth|token|secret|key|passw|pwd|session|signature|credential|cookie|jwt|^host$/i;

/**
 * Whether a text carries one of `values` in any form the redactor knows (raw, URL-encoded,
 * JSON-escaped, base64, inside a Basic credential…). Values under 4 characters are ignored,
 * as they are for redaction.
 */
export function secretMatcher(values: readonly string[]): (text: string) => boolean {
  const redactor = createRedactor(
    Object.fromEntries(values.map((value, index) => [String(index), value])),
  );
  return (text) => redactor.active && redactor.text(text) !== text;
}

/** The headers a redirect to another origin may carry on. */
export function crossOriginHeaders(
  headers: Record<string, string>,
  carriesSecret: (value: string) => boolean,
): Record<string, string> {
  return Object.fromEntries(
    Object.entries(headers).filter(
      ([name, value]) => !CREDENTIAL_HEADER.test(name) && !carriesSecret(value),
    ),
  );
}

function pinnedLookup(pinned: ResolvedAddress): LookupFunction {
  type Callback = (error: null, address: unknown, family?: number) => void;
  return ((_hostname: string, options: { all?: boolean }, callback: Callback) => {
    if (options?.all) callback(null, [{ address: pinned.address, family: pinned.family }]);
    else callback(null, pinned.address, pinned.family);
  }) as unknown as LookupFunction;
}

/** Maps a socket/abort failure to a NetworkError that says what happened and where. */
export function networkFailure(error: unknown, url: URL, signal?: AbortSignal): NetworkError {
  if (error instanceof NetworkError) return error;
  if (signal?.aborted) {
    // AbortSignal.timeout's reason, or a caller's own timeout error (the interpreter's).
    const reason = signal.reason as { name?: string; code?: string } | undefined;
    if (reason?.name === "TimeoutError" || reason?.code === "timeout") {
      return new NetworkError("timeout", `Timed out waiting for ${originOf(url)}`, {
        retriable: true,
        cause: error,
      });
    }
    return new NetworkError("aborted", `Request to ${originOf(url)} was cancelled`, {
      retriable: false,
      cause: error,
    });
  }
  const code = (error as { code?: string }).code ?? "";
  const tls = /CERT|TLS|SSL|SELF_SIGNED|UNABLE_TO_VERIFY/.test(code);
  return new NetworkError(
    "connect",
    `Could not reach ${originOf(url)}: ${code || (error as Error).message}`,
    { retriable: !tls, cause: error },
  );
}

function requestOnce(
  url: URL,
  pinned: ResolvedAddress,
  method: string,
  headers: Record<string, string>,
  body: string | Uint8Array | undefined,
  signal: AbortSignal | undefined,
): Promise<IncomingMessage> {
  const secure = url.protocol === "https:";
  const hostname = url.hostname.replace(/^\[|\]$/g, "");
  return new Promise((resolve, reject) => {
    const request = (secure ? https : http).request(
      {
        protocol: url.protocol,
        hostname,
        port: portOf(url),
        path: `${url.pathname}${url.search}`,
        method,
        headers,
        signal,
        agent: false,
        lookup: pinnedLookup(pinned),
        ...(secure ? { servername: hostname } : {}),
      },
      resolve,
    );
    request.on("error", reject);
    request.end(body);
  });
}

/**
 * Sends the request through the guard and returns the response head with its body unread.
 * Refusals (`AddressRefusedError`) happen before any connection to the refused address.
 */
export async function guardedRequest(
  input: string | URL,
  policy: NetworkPolicy,
  options: GuardedRequestOptions = {},
): Promise<GuardedResponse> {
  let url = new URL(input);
  let method = (options.method ?? "GET").toUpperCase();
  let headers = { ...(options.headers ?? {}) };
  let body = options.body;
  const redirects: string[] = [];
  const startOrigin = url.origin;
  const carriesSecret = secretMatcher(options.sensitiveValues ?? []);
  for (;;) {
    const pinned = await checkDestination(url, policy);
    let response: IncomingMessage;
    try {
      response = await requestOnce(url, pinned, method, headers, body, options.signal);
    } catch (error) {
      throw networkFailure(error, url, options.signal);
    }
    const status = response.statusCode ?? 0;
    const location = response.headers.location;
    if (options.followRedirects === false || !REDIRECTS.has(status) || !location) {
      return { url, status, headers: response.headers, stream: response, redirects };
    }
    response.resume();
    if (redirects.length >= policy.maxRedirects) {
      throw new NetworkError(
        "too_many_redirects",
        `Too many redirects (more than ${policy.maxRedirects}) starting at ${startOrigin}`,
        { retriable: false },
      );
    }
    let next: URL;
    try {
      next = new URL(location, url);
    } catch {
      throw new NetworkError("bad_redirect", `${originOf(url)} redirected to an invalid URL`, {
        retriable: false,
      });
    }
    if (next.protocol !== "http:" && next.protocol !== "https:") {
      throw new NetworkError(
        "bad_redirect",
        `${originOf(url)} redirected to a ${next.protocol} URL`,
        { retriable: false },
      );
    }
    // 303 always, and 301/302 for POST (as every browser does), turn into a bodiless GET.
    if (status === 303 || ((status === 301 || status === 302) && method === "POST")) {
      method = method === "HEAD" ? "HEAD" : "GET";
      body = undefined;
      headers = Object.fromEntries(
        Object.entries(headers).filter(([name]) => !/^content-(type|length|encoding)$/i.test(name)),
      );
    }
    // Another scheme, host or port is another party: it gets neither the caller's
    // credentials nor the body meant for the first one. 307/308 (and 301/302 for methods
    // other than POST) would re-send the body, so such a redirect stops here instead.
    if (next.origin !== url.origin) {
      if (body !== undefined && body.length > 0) {
        throw new NetworkError(
          "bad_redirect",
          `${originOf(url)} redirected the ${method} (HTTP ${status}) to another origin, ` +
            `${originOf(next)}; the request body was not re-sent to it. ` +
            "Call that URL directly if it should receive the body.",
          { retriable: false },
        );
      }
      headers = crossOriginHeaders(headers, carriesSecret);
    }
    redirects.push(next.toString());
    url = next;
  }
}

/**
 * Reads and decodes (gzip, deflate, br) a response body, refusing more than `maxBytes`
 * after decompression so a small compressed bomb cannot exhaust memory.
 */
export async function readBody(
  response: GuardedResponse,
  maxBytes: number,
  signal?: AbortSignal,
): Promise<Buffer> {
  const declared = Number(response.headers["content-length"]);
  const encoding = String(response.headers["content-encoding"] ?? "identity").toLowerCase();
  const tooLarge = () =>
    new NetworkError(
      "response_too_large",
      `Response from ${originOf(response.url)} is larger than ${formatBytes(maxBytes)}`,
      { retriable: false },
    );
  if (encoding === "identity" && Number.isFinite(declared) && declared > maxBytes) {
    response.stream.destroy();
    throw tooLarge();
  }
  let source: Readable = response.stream;
  if (encoding === "gzip" || encoding === "x-gzip") source = source.pipe(zlib.createGunzip());
  else if (encoding === "deflate") source = source.pipe(zlib.createInflate());
  else if (encoding === "br") source = source.pipe(zlib.createBrotliDecompress());
  const chunks: Buffer[] = [];
  let total = 0;
  try {
    for await (const chunk of source) {
      total += (chunk as Buffer).length;
      if (total > maxBytes) {
        response.stream.destroy();
        throw tooLarge();
      }
      chunks.push(chunk as Buffer);
    }
  } catch (error) {
    if (error instanceof NetworkError) throw error;
    if ((error as { code?: string }).code?.startsWith("Z_")) {
      throw new NetworkError(
        "connect",
        `Response from ${originOf(response.url)} could not be decompressed (${encoding})`,
        { retriable: false, cause: error },
      );
    }
    throw networkFailure(error, response.url, signal);
  }
  return Buffer.concat(chunks);
}

export function formatBytes(bytes: number): string {
  if (bytes >= 1024 * 1024) return `${Math.round((bytes / 1024 / 1024) * 10) / 10} MB`;
  if (bytes >= 1024) return `${Math.round((bytes / 1024) * 10) / 10} KB`;
  return `${bytes} bytes`;
}

/** Header values as one string each (repeated headers joined with ", "). */
export function flattenHeaders(headers: IncomingHttpHeaders): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [name, value] of Object.entries(headers)) {
    if (value === undefined) continue;
    out[name] = Array.isArray(value) ? value.join(", ") : value;
  }
  return out;
}

type FetchInput = string | URL | Request;

/**
 * A `fetch` with the guard, for libraries that take one (the MCP client's streamable HTTP
 * transport). The body streams, so server-sent events work; redirects are followed and
 * checked like any other request.
 */
export function createGuardedFetch(
  policy: NetworkPolicy,
  options: Pick<GuardedRequestOptions, "sensitiveValues"> = {},
) {
  return async (input: FetchInput, init: RequestInit = {}): Promise<Response> => {
    const request = input instanceof Request ? input : undefined;
    const url = request ? request.url : input.toString();
    const headers: Record<string, string> = {};
    new Headers(init.headers ?? request?.headers).forEach((value, name) => {
      headers[name] = value;
    });
    headers["accept-encoding"] ??= "identity";
    const rawBody = init.body ?? (request?.body ? await request.arrayBuffer() : undefined);
    let body: string | Uint8Array | undefined;
    if (typeof rawBody === "string") body = rawBody;
    else if (rawBody instanceof ArrayBuffer) body = new Uint8Array(rawBody);
    else if (ArrayBuffer.isView(rawBody))
      body = new Uint8Array(rawBody.buffer, rawBody.byteOffset, rawBody.byteLength);
    else if (rawBody != null) body = new Uint8Array(await new Response(rawBody).arrayBuffer());
    const response = await guardedRequest(url, policy, {
      method: init.method ?? request?.method ?? "GET",
      headers,
      body,
      signal: init.signal ?? undefined,
      sensitiveValues: options.sensitiveValues,
    });
    const responseHeaders = new Headers();
    for (const [name, value] of Object.entries(flattenHeaders(response.headers))) {
      responseHeaders.set(name, value);
    }
    const empty = response.status === 204 || response.status === 304 || init.method === "HEAD";
    if (empty) response.stream.resume();
    const result = new Response(
      empty ? null : (Readable.toWeb(response.stream) as ReadableStream<Uint8Array>),
      { status: response.status, headers: responseHeaders },
    );
    Object.defineProperty(result, "url", { value: response.url.toString() });
    return result;
  };
}
