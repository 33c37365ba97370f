// The executor's HTTP API, shaped like the Inngest Dev Server's so an SDK client in dev mode
// pointed at it works unchanged: events at POST /e/:key, out-of-band registration at
// POST /fn/register, GET /dev, the Dev Server's GraphQL slice at POST /v0/gql, step
// checkpoints at POST /v1/checkpoint/:run/async, durable endpoints (POST /v1/checkpoint,
// /v1/checkpoint/:run/steps, GET /v1/http/runs/:id/output, GET /v0/runs/:id/actions|batch),
// run metadata at POST /v1/runs/:id/metadata, plus run history as JSON.
//
// With keys (always in the app's embedded mode), every route but GET /health takes only a
// bearer of the hashed signing key, as Inngest's API does, the event route only the event
// key, and an async endpoint's output only its token (durable-endpoint.ts). Without keys (the standalone engine on loopback) it is as open as the Dev Server.
import { timingSafeEqual } from "node:crypto";
import http from "node:http";
import type { AddressInfo } from "node:net";
import {
  ENDPOINT_APP_ID,
  type EndpointCheckpointResult,
  type EndpointOutputAnswer,
} from "./durable-endpoint";
import type { EngineLogger, EventInput } from "./interfaces";

export type ServerApi = {
  send(events: EventInput[], idSeed?: string | null): Promise<string[]>;
  register(body: unknown): Promise<{ modified: boolean }>;
  describe(): Promise<unknown>;
  listRuns(query: URLSearchParams): Promise<unknown>;
  getRun(id: string): Promise<unknown>;
  graphql(request: unknown): Promise<{ status: number; body: unknown }>;
  checkpoint(runId: string, body: unknown): Promise<"ok" | "stale">;
  /** Durable endpoints: `POST /v1/checkpoint` and `/v1/checkpoint/:run/steps` (sync mode). */
  startEndpointRun(body: unknown): Promise<EndpointCheckpointResult>;
  checkpointEndpoint(runId: string, body: unknown): Promise<EndpointCheckpointResult>;
  /** `GET /v1/http/runs/:id/output?token=` (async mode; the token is the credential). */
  endpointOutput(runId: string, token: string): Promise<EndpointOutputAnswer>;
  /** `GET /v0/runs/:id/actions` and `/batch`: a run's steps and events, for the SDK. */
  runSteps(runId: string): Promise<unknown | undefined>;
  runEvents(runId: string): Promise<unknown | undefined>;
  /** `score()` / `metadata.update()` through the API: merged into the run's metadata. */
  updateMetadata(runId: string, body: unknown): Promise<"stored" | "no-run" | "full">;
  /** Who may call: bearers of these hashed signing keys (API), this key (events). */
  auth: { bearerTokens?: string[]; eventKey?: string };
  logger: EngineLogger;
};

function sameSecret(given: string, expected: string): boolean {
  const a = Buffer.from(given);
  const b = Buffer.from(expected);
  return a.length === b.length && timingSafeEqual(a, b);
}

/**
 * One request to the API, however it came: over HTTP, or in-process from the Inngest client
 * of the app this executor is embedded in (in-process-fetch.ts). Both go through the same
 * routes and the same checks (keys, body limits).
 */
export type ApiRequest = {
  method: string;
  /** The path and query string. */
  url: string;
  /** A header's value (lower-case name). */
  header(name: string): string | undefined;
  /** The body as text; undefined when it is larger than `limit` bytes. */
  text(limit: number): Promise<string | undefined>;
};

/** Every answer of the API is JSON. */
export type ApiReply = { status: number; body: string };

function checkBearer(req: ApiRequest, tokens: string[]) {
  const header = req.header("authorization") ?? "";
  const given = /^Bearer\s+(\S+)$/i.exec(header)?.[1] ?? "";
  if (!given || !tokens.some((token) => sameSecret(given, token))) {
    throw new HttpError(401, "A valid signing key is required");
  }
}

const MAX_BODY = 10 * 1024 * 1024;
/** A metadata update is a few small objects (values are capped at 64 KiB each). */
const MAX_METADATA_BODY = 256 * 1024;
/** How much of an oversized body is still read (and dropped) so its sender gets the 413. */
const MAX_DRAIN = 1024 * 1024;

function readBody(req: http.IncomingMessage, limit: number): Promise<string | undefined> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on("data", (chunk: Buffer) => {
      size += chunk.length;
      if (size > limit) {
        // Drained (not kept) so the sender reads the 413; cut off past a few times the limit.
        chunks.length = 0;
        if (size > 4 * limit + MAX_DRAIN) req.destroy();
        return;
      }
      chunks.push(chunk);
    });
    req.on("end", () => resolve(size > limit ? undefined : Buffer.concat(chunks).toString("utf8")));
    req.on("error", reject);
  });
}

class HttpError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

function reply(status: number, body: unknown): ApiReply {
  return { status, body: JSON.stringify(body) };
}

async function readJson(req: ApiRequest, limit = MAX_BODY): Promise<unknown> {
  const text = await req.text(limit);
  if (text === undefined) throw new HttpError(413, "Body too large");
  try {
    return JSON.parse(text || "null");
  } catch {
    throw new HttpError(400, "The body is not JSON");
  }
}

function parseEvents(parsed: unknown): EventInput[] {
  const list = Array.isArray(parsed) ? parsed : [parsed];
  if (!list.length) throw new HttpError(400, "No events in the body");
  for (const e of list) {
    if (
      !e ||
      typeof e !== "object" ||
      typeof (e as EventInput).name !== "string" ||
      !(e as EventInput).name
    ) {
      throw new HttpError(400, "Every event needs a name");
    }
  }
  return list as EventInput[];
}

/**
 * Inngest API routes of features this executor does not serve: answered 501 with the feature
 * named (and logged), so an SDK using one fails with the reason instead of a bare 404.
 */
function unsupportedFeature(parts: string[]): string | undefined {
  const [version, area] = parts;
  if (version === "v1" && area === "realtime") return "Realtime";
  if (version === "v1" && area === "signals") return "Signals (step.waitForSignal)";
  if (version === "v0" && area === "connect") return "Connect";
  return undefined;
}

/** A registration the engine refuses (a config it cannot run as declared, a malformed body). */
function isRefusal(error: unknown): boolean {
  const name = (error as Error)?.name;
  return name === "UnsupportedConfigError" || name === "SyncError";
}

/** Answers one API request (routes, keys, limits), whichever way it came. */
export async function handleApiRequest(api: ServerApi, req: ApiRequest): Promise<ApiReply> {
  try {
    const url = new URL(req.url, "http://localhost");
    const parts = url.pathname.split("/").filter(Boolean);
    if (req.method === "GET" && url.pathname === "/health") return reply(200, { status: "ok" });
    const isEventRoute = req.method === "POST" && parts[0] === "e" && parts.length === 2;
    if (
      req.method === "GET" &&
      parts[0] === "v1" &&
      parts[1] === "http" &&
      parts[2] === "runs" &&
      parts[4] === "output" &&
      parts.length === 5
    ) {
      // Read by the endpoint's client, who holds no signing key: the token is the credential.
      return api.endpointOutput(decodeURIComponent(parts[3]), url.searchParams.get("token") ?? "");
    }
    if (api.auth.bearerTokens && !isEventRoute) checkBearer(req, api.auth.bearerTokens);
    if (isEventRoute) {
      const { eventKey } = api.auth;
      if (eventKey && !sameSecret(decodeURIComponent(parts[1]), eventKey)) {
        throw new HttpError(401, "Event key not found");
      }
      const seed = req.header("x-inngest-event-id-seed");
      const ids = await api.send(
        parseEvents(await readJson(req)),
        typeof seed === "string" ? seed : null,
      );
      return reply(200, { ids, status: 200 });
    }
    if (req.method === "POST" && url.pathname === "/fn/register") {
      try {
        const { modified } = await api.register((await readJson(req)) ?? {});
        return reply(200, { ok: true, modified });
      } catch (error) {
        if (!isRefusal(error)) throw error;
        // The SDK reads the outcome of a registration from the body's `status` (an HTTP 400
        // alone parses as a 200 "not modified"): say it there, so `serve`'s PUT fails with
        // the reason, and log it, since the app's author may only look at the engine.
        const message = (error as Error).message;
        api.logger.error("refused an app's registration", { error: message });
        return reply(400, { status: 400, error: message, modified: false });
      }
    }
    if (req.method === "POST" && url.pathname === "/v0/gql") {
      const { status, body } = await api.graphql(await readJson(req));
      return reply(status, body);
    }
    if (
      req.method === "POST" &&
      parts[0] === "v1" &&
      parts[1] === "checkpoint" &&
      parts[3] === "async" &&
      parts.length === 4
    ) {
      const body = await readJson(req);
      if (!body || typeof body !== "object") throw new HttpError(400, "Expected an object");
      const result = await api.checkpoint(decodeURIComponent(parts[2]), body);
      return result === "ok"
        ? reply(200, { ok: true })
        : reply(409, { error: "This request is no longer the run's current call" });
    }
    if (req.method === "POST" && parts[0] === "v1" && parts[1] === "checkpoint") {
      const isStart = parts.length === 2;
      const isSteps = parts.length === 4 && parts[3] === "steps";
      if (isStart || isSteps) {
        const body = await readJson(req);
        const result = isStart
          ? await api.startEndpointRun(body)
          : await api.checkpointEndpoint(decodeURIComponent(parts[2]), body);
        if (isSteps) return reply(200, { ok: true });
        // `realtime_token` is required by the SDK's schema but only used for streaming
        // (realtime, not served): the SDK's SSE redirect to it answers 501.
        return reply(200, {
          data: {
            fn_id: result.functionId,
            app_id: ENDPOINT_APP_ID,
            run_id: result.runId,
            token: result.token,
            realtime_token: `unsupported:${result.runId}`,
          },
        });
      }
    }
    if (
      req.method === "POST" &&
      parts[0] === "v1" &&
      parts[1] === "runs" &&
      parts[3] === "metadata" &&
      parts.length === 4
    ) {
      const runId = decodeURIComponent(parts[2]);
      const result = await api.updateMetadata(runId, await readJson(req, MAX_METADATA_BODY));
      if (result === "no-run") return reply(404, { error: "Run not found" });
      if (result === "full") {
        return reply(400, { error: "The run holds as many metadata entries as it may" });
      }
      return reply(200, { ok: true });
    }
    if (
      req.method === "GET" &&
      parts[0] === "v0" &&
      parts[1] === "runs" &&
      (parts[3] === "actions" || parts[3] === "batch") &&
      parts.length === 4
    ) {
      const runId = decodeURIComponent(parts[2]);
      const found = parts[3] === "actions" ? await api.runSteps(runId) : await api.runEvents(runId);
      return found === undefined ? reply(404, { error: "Run not found" }) : reply(200, found);
    }
    if (req.method === "GET" && url.pathname === "/dev") return reply(200, await api.describe());
    if (req.method === "GET" && parts[0] === "runs" && parts.length === 1) {
      return reply(200, await api.listRuns(url.searchParams));
    }
    if (req.method === "GET" && parts[0] === "runs" && parts.length === 2) {
      const run = await api.getRun(decodeURIComponent(parts[1]));
      return run ? reply(200, run) : reply(404, { error: "Run not found" });
    }
    const feature = unsupportedFeature(parts);
    if (feature) {
      const message = `Not supported by this executor: ${feature} (${req.method} ${url.pathname})`;
      api.logger.error("refused a request for an unsupported feature", { error: message });
      return reply(501, { status: 501, error: message });
    }
    return reply(404, { error: "Not found" });
  } catch (error) {
    if (error instanceof HttpError) return reply(error.status, { error: error.message });
    const message = error instanceof Error ? error.message : String(error);
    const name = (error as Error)?.name;
    if (isRefusal(error) || name === "CheckpointError" || name === "MetadataError") {
      return reply(400, { error: message });
    }
    if (name === "DurableEndpointError") {
      return reply((error as { status: number }).status, { error: message });
    }
    api.logger.error("request failed", { path: req.url, error: message });
    return reply(500, { error: "Internal error" });
  }
}

/** The API over HTTP on `host:port` (0: a free port). */
export async function startServer(
  api: ServerApi,
  port: number,
  host = "127.0.0.1",
): Promise<{ server: http.Server; port: number; url: string; close(): Promise<void> }> {
  const server = http.createServer(async (req, res) => {
    const out = await handleApiRequest(api, {
      method: req.method ?? "GET",
      url: req.url ?? "/",
      header: (name) => {
        const value = req.headers[name];
        return typeof value === "string" ? value : undefined;
      },
      text: (limit) => readBody(req, limit),
    });
    res.writeHead(out.status, {
      "content-type": "application/json",
      "content-length": Buffer.byteLength(out.body),
    });
    res.end(out.body);
  });
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(port, host, () => {
      server.off("error", reject);
      resolve();
    });
  });
  const actual = (server.address() as AddressInfo).port;
  return {
    server,
    port: actual,
    url: `http://${host}:${actual}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
