// http.request against a loopback fixture: methods, bodies, parsing, limits, errors with
// their retry flags, and the SSRF guard (DNS, literals, redirects, rebinding).
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { httpRequest } from "@/lib/actions/http-request";
import { parseEnv } from "@/lib/env";
import { networkPolicyFromEnv } from "@/lib/net/env-policy";
import { suiteResource } from "@/tests/helpers/suite-resource";
import { type HttpTarget, startHttpTarget } from "../../fixtures/http-target";
import { actionError, testContext } from "./helpers";

const target = suiteResource(startHttpTarget, {
  beforeEach: (t) => {
    t.requests.length = 0;
  },
  close: (t) => t.close(),
});

const run = (input: Record<string, unknown>, context = testContext()) =>
  httpRequest.run!(input as never, context) as Promise<{
    status: number;
    headers: Record<string, string>;
    body: unknown;
  }>;

describe("http.request", () => {
  it("parses a JSON response into body", async () => {
    const result = await run({ url: `${target.url}/json` });
    expect(result.status).toBe(200);
    expect(result.headers["content-type"]).toContain("application/json");
    expect(result.body).toEqual({ items: [{ id: 1, severity: "sev-1" }, { id: 2 }] });
  });

  it("sends method, headers, query and a JSON body", async () => {
    const result = await run({
      url: `${target.url}/echo?a=1`,
      method: "POST",
      headers: { "X-Custom": "yes" },
      query: { state: "open", limit: 5, all: true },
      body: { hello: "world" },
    });
    const echo = result.body as {
      method: string;
      headers: Record<string, string>;
      query: Record<string, string>;
      body: string;
    };
    expect(echo.method).toBe("POST");
    expect(echo.headers["x-custom"]).toBe("yes");
    expect(echo.headers["content-type"]).toBe("application/json");
    expect(echo.query).toEqual({ a: "1", state: "open", limit: "5", all: "true" });
    expect(JSON.parse(echo.body)).toEqual({ hello: "world" });
  });

  it("sends a text body as text/plain unless a content type is given", async () => {
    const plain = await run({ url: `${target.url}/echo`, method: "PUT", body: "just text" });
    expect((plain.body as { headers: Record<string, string> }).headers["content-type"]).toBe(
      "text/plain; charset=utf-8",
    );
    const csv = await run({
      url: `${target.url}/echo`,
      method: "POST",
      headers: { "Content-Type": "text/csv" },
      body: "a,b",
    });
    expect((csv.body as { headers: Record<string, string> }).headers["content-type"]).toBe(
      "text/csv",
    );
  });

  it("keeps text as text, honours responseType, and parses +json and gzip", async () => {
    expect((await run({ url: `${target.url}/text` })).body).toBe("plain words");
    expect((await run({ url: `${target.url}/json`, responseType: "text" })).body).toContain(
      '"items"',
    );
    expect((await run({ url: `${target.url}/problem` })).body).toEqual({ title: "fine" });
    expect((await run({ url: `${target.url}/gzip` })).body).toEqual({ compressed: true });
    expect((await run({ url: `${target.url}/bad-json` })).body).toBe("{not json");
    const error = await actionError(run({ url: `${target.url}/bad-json`, responseType: "json" }));
    expect(error.message).toMatch(/is not valid JSON/);
    expect(error.retriable).toBe(false);
  });

  it("answers HEAD without a body", async () => {
    const result = await run({ url: `${target.url}/json`, method: "HEAD" });
    expect(result.status).toBe(200);
    expect(result.body).toBeNull();
  });

  it("refuses a body on GET", async () => {
    const error = await actionError(run({ url: `${target.url}/echo`, body: { a: 1 } }));
    expect(error.code).toBe("invalid_input");
    expect(error.retriable).toBe(false);
    expect(target.requests).toHaveLength(0);
  });

  it("rejects input that does not fit the schema, without retrying", async () => {
    const error = await actionError(run({ url: "ftp://example.com/x" }));
    expect(error.message).toContain("http.request: invalid input: url: must be an http");
    expect(error.retriable).toBe(false);
  });

  describe("failures", () => {
    it("a 500 is retriable and quotes the start of the body", async () => {
      const error = await actionError(
        run({ url: `${target.url}/status/500?body=${"database down ".repeat(30)}` }),
      );
      expect(error.message).toMatch(
        new RegExp(`^HTTP 500 from ${target.url}/status/500: database down`),
      );
      expect(error.message.length).toBeLessThan(300);
      expect(error.code).toBe("http_status");
      expect(error.status).toBe(500);
      expect(error.retriable).toBe(true);
    });

    it("a 404 or 401 is not retriable; 408 and 429 are, with Retry-After", async () => {
      expect((await actionError(run({ url: `${target.url}/status/404` }))).retriable).toBe(false);
      expect((await actionError(run({ url: `${target.url}/status/401` }))).retriable).toBe(false);
      expect((await actionError(run({ url: `${target.url}/status/408` }))).retriable).toBe(true);
      const limited = await actionError(run({ url: `${target.url}/status/429?retryAfter=7` }));
      expect(limited.retriable).toBe(true);
      expect(limited.retryAfterMs).toBe(7000);
    });

    it("times out with a clear, retriable error", async () => {
      const started = Date.now();
      const error = await actionError(
        run({ url: `${target.url}/slow?ms=5000` }, testContext({ timeoutMs: 300 })),
      );
      expect(Date.now() - started).toBeLessThan(2_000);
      expect(error.message).toBe(`GET ${target.url}/slow timed out after 300 ms`);
      expect(error.code).toBe("timeout");
      expect(error.retriable).toBe(true);
    });

    it("stops when the run is cancelled", async () => {
      const controller = new AbortController();
      const pending = run(
        { url: `${target.url}/slow?ms=5000` },
        testContext({ signal: controller.signal }),
      );
      setTimeout(() => controller.abort(), 100);
      const error = await actionError(pending);
      expect(error.code).toBe("cancelled");
      expect(error.retriable).toBe(false);
    });

    it("refuses an oversized response, declared or streamed", async () => {
      const context = testContext();
      context.network.maxResponseBytes = 100_000;
      const declared = await actionError(run({ url: `${target.url}/big?bytes=200000` }, context));
      expect(declared.message).toBe(`Response from ${target.url} is larger than 97.7 KB`);
      expect(declared.code).toBe("too_large");
      expect(declared.retriable).toBe(false);
      const streamed = await actionError(
        run({ url: `${target.url}/big?bytes=200000&chunked=1` }, context),
      );
      expect(streamed.code).toBe("too_large");
      expect((await run({ url: `${target.url}/big?bytes=50000` }, context)).body).toHaveLength(
        50_000,
      );
    });

    it("reports a closed port as a retriable connection failure", async () => {
      const closed = await startHttpTarget();
      const url = closed.url;
      await closed.close();
      const error = await actionError(run({ url: `${url}/json` }));
      expect(error.message).toBe(`Could not reach ${url}: ECONNREFUSED`);
      expect(error.retriable).toBe(true);
    });

    it("reports a name that does not resolve without retrying", async () => {
      const error = await actionError(run({ url: "http://nowhere.invalid/x" }));
      expect(error.message).toBe("Could not resolve nowhere.invalid (ENOTFOUND)");
      expect(error.retriable).toBe(false);
    });
  });

  describe("redirects", () => {
    it("follows them, re-checking each hop", async () => {
      const result = await run({ url: `${target.url}/redirect?to=/json` });
      expect(result.body).toMatchObject({ items: expect.any(Array) });
      expect(target.requests.map((r) => r.path)).toEqual(["/redirect", "/json"]);
    });

    it("turns a POST into a GET on 303 and keeps it on 307", async () => {
      const see = await run({
        url: `${target.url}/redirect?to=/echo&status=303`,
        method: "POST",
        body: { a: 1 },
      });
      expect(see.body).toMatchObject({ method: "GET", body: "" });
      const keep = await run({
        url: `${target.url}/redirect?to=/echo&status=307`,
        method: "POST",
        body: { a: 1 },
      });
      expect(keep.body).toMatchObject({ method: "POST", body: '{"a":1}' });
    });

    it("gives up after 5 redirects", async () => {
      const error = await actionError(run({ url: `${target.url}/loop/0` }));
      expect(error.message).toBe(`Too many redirects (more than 5) starting at ${target.url}`);
      expect(error.retriable).toBe(false);
      expect(target.requests).toHaveLength(6);
    });

    describe("to another origin", () => {
      const secret = "tok-7fQ2-very-secret";
      const credentials = {
        Authorization: "Bearer abc",
        "X-Api-Key": "key-123",
        "Private-Token": "glpat-123",
        Cookie: "session=1",
        "X-Tenant": `tenant=${secret}`,
        "X-Keep": "1",
      };
      const withSecret = () => testContext({ secrets: { API_TOKEN: secret } });
      const other = suiteResource(startHttpTarget, {
        beforeEach: (t) => {
          t.requests.length = 0;
        },
        close: (t) => t.close(),
      });
      const toOther = (path: string, status = 302) =>
        `${target.url}/redirect?status=${status}&to=${encodeURIComponent(`${other.url}${path}`)}`;

      it("drops credential headers and any header carrying a secret, keeps the rest", async () => {
        await run({ url: toOther("/echo"), headers: credentials }, withSecret());
        const sent = target.requests[0].headers;
        expect(sent.authorization).toBe("Bearer abc");
        expect(sent["x-tenant"]).toBe(`tenant=${secret}`);
        const received = other.requests[0].headers;
        expect(received.authorization).toBeUndefined();
        expect(received["x-api-key"]).toBeUndefined();
        expect(received["private-token"]).toBeUndefined();
        expect(received.cookie).toBeUndefined();
        expect(received["x-tenant"]).toBeUndefined();
        expect(received["x-keep"]).toBe("1");
        expect(received["user-agent"]).toBe("Flowchat (workflow step)");
      });

      it("counts a change of host alone as another origin", async () => {
        const context = withSecret();
        await run(
          {
            url: `http://localhost:${target.port}/redirect?to=${encodeURIComponent(`${target.url}/echo`)}`,
            headers: credentials,
          },
          context,
        );
        expect(target.requests.map((r) => r.path)).toEqual(["/redirect", "/echo"]);
        expect(target.requests[1].headers.authorization).toBeUndefined();
        expect(target.requests[1].headers["x-tenant"]).toBeUndefined();
        expect(target.requests[1].headers["x-keep"]).toBe("1");
      });

      it.each([
        ["POST", 307],
        ["POST", 308],
        ["PUT", 302],
        ["PATCH", 301],
      ])(
        "refuses to re-send a %s body on a %i, without reaching the other origin",
        async (method, status) => {
          const error = await actionError(
            run({ url: toOther("/echo", status), method, body: { a: 1 }, headers: credentials }),
          );
          expect(error.message).toBe(
            `${target.url} redirected the ${method} (HTTP ${status}) to another origin, ${other.url}; the request body was not re-sent to it. Call that URL directly if it should receive the body.`,
          );
          expect(error.retriable).toBe(false);
          expect(target.requests).toHaveLength(1);
          expect(other.requests).toHaveLength(0);
        },
      );

      it.each([301, 302, 303])("follows a POST's %i as a GET without the body", async (status) => {
        const result = await run({
          url: toOther("/echo", status),
          method: "POST",
          body: { a: 1 },
          headers: credentials,
        });
        expect(result.body).toMatchObject({ method: "GET", body: "" });
        expect(other.requests[0].headers["content-type"]).toBeUndefined();
        expect(other.requests[0].headers.authorization).toBeUndefined();
      });

      it("follows a 307 without a body (GET) and still drops credentials", async () => {
        const result = await run({ url: toOther("/echo", 307), headers: credentials });
        expect(result.body).toMatchObject({ method: "GET" });
        expect(other.requests[0].headers["x-api-key"]).toBeUndefined();
      });
    });

    it("keeps headers and the body on a same-origin redirect", async () => {
      const secret = "tok-7fQ2-very-secret";
      const result = await run(
        {
          url: `${target.url}/redirect?status=307&to=/echo`,
          method: "POST",
          body: { a: 1 },
          headers: {
            Authorization: "Bearer abc",
            "X-Api-Key": "key-123",
            "Private-Token": "glpat-123",
            "X-Tenant": `tenant=${secret}`,
          },
        },
        testContext({ secrets: { API_TOKEN: secret } }),
      );
      expect(result.body).toMatchObject({ method: "POST", body: '{"a":1}' });
      const received = target.requests[1].headers;
      expect(received.authorization).toBe("Bearer abc");
      expect(received["x-api-key"]).toBe("key-123");
      expect(received["private-token"]).toBe("glpat-123");
      expect(received["x-tenant"]).toBe(`tenant=${secret}`);
    });
  });

  describe("the app's and the engine's own ports", () => {
    let app: HttpTarget;
    let engine: HttpTarget;
    beforeAll(async () => {
      [app, engine] = await Promise.all([startHttpTarget(), startHttpTarget()]);
    });
    afterAll(async () => {
      await Promise.all([app?.close(), engine?.close()]);
    });
    const guarded = (allow = ["127.0.0.1"]) =>
      testContext({
        allow,
        protectedPorts: [
          { port: app.port, name: "this app's own port" },
          { port: engine.port, name: "the workflow engine's port" },
        ],
      });
    const untouched = () => {
      expect(app.connections).toBe(0);
      expect(engine.connections).toBe(0);
      expect(app.requests).toHaveLength(0);
      expect(engine.requests).toHaveLength(0);
    };

    it("reaches another loopback port when 127.0.0.1 is allowed", async () => {
      expect((await run({ url: `${target.url}/json` }, guarded())).status).toBe(200);
    });

    it("refuses the engine's port even when 127.0.0.1 is allowed", async () => {
      const error = await actionError(run({ url: `${engine.url}/v1/events` }, guarded()));
      expect(error.message).toBe(
        `Refused to connect to ${engine.url}: port ${engine.port} is the workflow engine's port (127.0.0.1, loopback); steps may not call this app or its workflow engine, whatever HTTP_ALLOWLIST says.`,
      );
      expect(error.code).toBe("refused");
      expect(error.retriable).toBe(false);
      untouched();
    });

    it("refuses the app's own port even when 127.0.0.1 is allowed", async () => {
      const error = await actionError(
        run({ url: `${app.url}/api/runs`, method: "POST", body: { x: 1 } }, guarded()),
      );
      expect(error.message).toContain(`port ${app.port} is this app's own port`);
      expect(error.retriable).toBe(false);
      untouched();
    });

    it("refuses them whatever the allow-list says: by name, network or exact port", async () => {
      for (const allow of [
        ["localhost"],
        ["127.0.0.0/8"],
        [`127.0.0.1:${engine.port}`],
        [`localhost:${engine.port}`],
      ]) {
        const host = allow[0].startsWith("localhost") ? "localhost" : "127.0.0.1";
        const error = await actionError(
          run({ url: `http://${host}:${engine.port}/` }, guarded(allow)),
        );
        expect(error.code).toBe("refused");
        expect(error.message).toContain("the workflow engine's port");
      }
      untouched();
    });

    it("refuses them with the policy built from HTTP_ALLOWLIST=127.0.0.1, PORT and INNGEST_EMBEDDED_PORT", async () => {
      const network = networkPolicyFromEnv(
        parseEnv({
          HTTP_ALLOWLIST: "127.0.0.1",
          PORT: String(app.port),
          INNGEST_EMBEDDED_PORT: String(engine.port),
        }),
      );
      const context = testContext({ network });
      expect((await run({ url: `${target.url}/json` }, context)).status).toBe(200);
      for (const url of [`${engine.url}/`, `${app.url}/`]) {
        const error = await actionError(run({ url }, context));
        expect(error.code).toBe("refused");
        expect(error.message).toContain("steps may not call this app or its workflow engine");
      }
      untouched();
    });

    it("refuses a redirect from an allowed origin to a protected port", async () => {
      const error = await actionError(
        run(
          { url: `${target.url}/redirect?to=${encodeURIComponent(`${engine.url}/v1/events`)}` },
          guarded(),
        ),
      );
      expect(error.message).toContain(`port ${engine.port} is the workflow engine's port`);
      expect(error.retriable).toBe(false);
      expect(target.requests.map((r) => r.path)).toEqual(["/redirect"]);
      untouched();
    });
  });

  describe("allow-list entries with a port", () => {
    it("permits exactly the port that 127.0.0.1:<port> names", async () => {
      const other = await startHttpTarget();
      try {
        const context = testContext({ allow: [`127.0.0.1:${target.port}`] });
        expect((await run({ url: `${target.url}/json` }, context)).status).toBe(200);
        const error = await actionError(run({ url: `${other.url}/json` }, context));
        expect(error.message).toBe(
          `Refused to connect to ${other.url}: loopback (127.0.0.0/8) addresses are not allowed. HTTP_ALLOWLIST permits it only on port ${target.port}.`,
        );
        expect(error.retriable).toBe(false);
        expect(other.connections).toBe(0);
      } finally {
        await other.close();
      }
    });

    it("re-checks the port on every redirect hop", async () => {
      const other = await startHttpTarget();
      try {
        const context = testContext({ allow: [`127.0.0.1:${target.port}`] });
        const error = await actionError(
          run(
            { url: `${target.url}/redirect?to=${encodeURIComponent(`${other.url}/json`)}` },
            context,
          ),
        );
        expect(error.code).toBe("refused");
        expect(other.connections).toBe(0);
      } finally {
        await other.close();
      }
    });
  });

  describe("SSRF guard", () => {
    const noAllowList = () => testContext({ allow: [] });

    it.each([
      ["http://127.0.0.1/", "loopback (127.0.0.0/8)"],
      ["http://[::1]/", "loopback (::1)"],
      ["http://169.254.169.254/latest/meta-data/", "link-local (169.254.0.0/16)"],
      ["http://10.1.2.3:8080/", "private (10.0.0.0/8)"],
      ["http://192.168.1.1/", "private (192.168.0.0/16)"],
      ["http://100.64.0.1/", "carrier-grade NAT (100.64.0.0/10)"],
      ["http://0.0.0.0/", "unspecified (0.0.0.0/8)"],
      ["http://[::ffff:127.0.0.1]/", "loopback (127.0.0.0/8) inside an IPv6 address"],
      ["http://[fd00::1]/", "unique-local (fc00::/7)"],
      ["http://[fe80::1]/", "link-local (fe80::/10)"],
      ["http://224.0.0.1/", "multicast (224.0.0.0/4)"],
    ])("refuses %s", async (url, reason) => {
      const error = await actionError(run({ url }, noAllowList()));
      expect(error.message).toContain(`${reason} addresses are not allowed`);
      expect(error.code).toBe("refused");
      expect(error.retriable).toBe(false);
    });

    it("refuses the loopback fixture itself when it is not on the allow-list", async () => {
      const error = await actionError(run({ url: `${target.url}/json` }, noAllowList()));
      expect(error.code).toBe("refused");
      expect(target.requests).toHaveLength(0);
    });

    it("refuses a public-looking name that resolves to a private address", async () => {
      const resolved: string[] = [];
      const context = testContext({
        allow: [],
        resolve: async (hostname) => {
          resolved.push(hostname);
          return [
            { address: "93.184.215.14", family: 4 },
            { address: "10.0.0.7", family: 4 },
          ];
        },
      });
      const error = await actionError(run({ url: "https://status.example.com/api" }, context));
      expect(error.message).toBe(
        "Refused to connect to https://status.example.com: private (10.0.0.0/8) addresses are not allowed (status.example.com resolves to 10.0.0.7). An operator can permit it with HTTP_ALLOWLIST.",
      );
      expect(error.retriable).toBe(false);
      expect(resolved).toEqual(["status.example.com"]);
    });

    it("refuses a redirect to the metadata address before connecting to it", async () => {
      const error = await actionError(
        run({
          url: `${target.url}/redirect?to=${encodeURIComponent("http://169.254.169.254/latest/meta-data/")}`,
        }),
      );
      expect(error.message).toContain(
        "Refused to connect to http://169.254.169.254: link-local (169.254.0.0/16) addresses are not allowed",
      );
      expect(error.code).toBe("refused");
      expect(error.retriable).toBe(false);
      expect(target.requests.map((r) => r.path)).toEqual(["/redirect"]);
    });

    it("refuses a redirect to a name that resolves to a private address", async () => {
      const context = testContext({
        resolve: async () => [{ address: "192.168.0.10", family: 4 }],
      });
      const error = await actionError(
        run(
          {
            url: `${target.url}/redirect?to=${encodeURIComponent("http://intranet.example.com/")}`,
          },
          context,
        ),
      );
      expect(error.message).toContain("intranet.example.com resolves to 192.168.0.10");
    });

    it("pins the connection to the address it checked (a rebind cannot swap it)", async () => {
      let calls = 0;
      const context = testContext({
        resolve: async () => {
          calls++;
          // First answer passes the check; any later lookup would point somewhere private.
          return calls === 1
            ? [{ address: "127.0.0.1", family: 4 }]
            : [{ address: "10.9.9.9", family: 4 }];
        },
      });
      const result = await run({ url: `http://api.fixture.test:${target.port}/echo` }, context);
      expect(calls).toBe(1);
      expect((result.body as { headers: Record<string, string> }).headers.host).toBe(
        `api.fixture.test:${target.port}`,
      );
    });

    it("lets the allow-list permit hosts by name, address or network", async () => {
      const byName = testContext({
        allow: ["*.fixture.test"],
        resolve: async () => [{ address: "127.0.0.1", family: 4 }],
      });
      expect(
        (await run({ url: `http://api.fixture.test:${target.port}/json` }, byName)).status,
      ).toBe(200);
      const byNetwork = testContext({ allow: ["127.0.0.0/8"] });
      expect((await run({ url: `${target.url}/json` }, byNetwork)).status).toBe(200);
      const otherNetwork = testContext({ allow: ["10.0.0.0/8"] });
      expect((await actionError(run({ url: `${target.url}/json` }, otherNetwork))).code).toBe(
        "refused",
      );
    });
  });
});
