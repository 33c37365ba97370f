// The app's Inngest client calling the executor embedded in its own process: a `fetch` for
// the client (its `fetch` option) that hands requests for the executor's URL to the API's
// handler directly, with the same routes and checks as over HTTP (the signing key's bearer,
// the event key, body limits), and sends everything else over the network. Each checkpoint
// of a step then costs no loopback HTTP round trip: no client request, socket writes,
// response parsing or server-side request parsing (~13 % of the process's CPU in the
// executor bench). Free of the executor's code: route bundles import it through the client.
import type { ApiReply, ApiRequest } from "./server";

/** The executor's API as this process can call it without HTTP. */
export type InProcessApi = {
  /** The API's base URL (`http://127.0.0.1:<port>`): requests under it are taken here. */
  readonly url: string;
  handle(request: ApiRequest): Promise<ApiReply>;
};

type HeaderSource = NonNullable<RequestInit["headers"]>;

function headerReader(headers: HeaderSource | undefined): (name: string) => string | undefined {
  if (!headers) return () => undefined;
  if (headers instanceof Headers) return (name) => headers.get(name) ?? undefined;
  const map = new Map<string, string>();
  const entries = Array.isArray(headers) ? headers : Object.entries(headers);
  for (const [key, value] of entries) map.set(key.toLowerCase(), String(value));
  return (name) => map.get(name);
}

/**
 * `api()` is read on every request: undefined (the executor not serving yet, or not hosted
 * here) sends the request over the network as before. Only plain requests are taken in
 * process: a URL (string or URL) under the API's URL with a text body or none.
 */
export function inProcessFetch(
  api: () => InProcessApi | undefined,
  network: typeof fetch = (input, init) => globalThis.fetch(input, init),
): typeof fetch {
  return async (input, init) => {
    const target = api();
    const href = typeof input === "string" ? input : input instanceof URL ? input.href : undefined;
    const body = init?.body;
    if (
      !target ||
      href === undefined ||
      !href.startsWith(`${target.url}/`) ||
      (body !== undefined && body !== null && typeof body !== "string")
    ) {
      return network(input, init);
    }
    init?.signal?.throwIfAborted();
    const text = body ?? "";
    const reply = await target.handle({
      method: (init?.method ?? "GET").toUpperCase(),
      url: href.slice(target.url.length),
      header: headerReader(init?.headers),
      text: async (limit) => (Buffer.byteLength(text) > limit ? undefined : text),
    });
    return new Response(reply.body, {
      status: reply.status,
      headers: { "content-type": "application/json" },
    });
  };
}
