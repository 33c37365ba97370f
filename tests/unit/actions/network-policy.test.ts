// The SSRF guard's decisions without a network: protected ports on local addresses, allow-list
// ports in refusals, the policy the app builds from env, and what a cross-origin redirect keeps.
import { networkInterfaces } from "node:os";
import { describe, expect, it } from "vitest";
import { EnvError, parseEnv } from "@/lib/env";
import { networkPolicyFromEnv, protectedPortsFromEnv } from "@/lib/net/env-policy";
import { AddressRefusedError } from "@/lib/net/errors";
import {
  checkDestination,
  checkHost,
  createNetworkPolicy,
  type NetworkPolicy,
  portOf,
  type Resolver,
} from "@/lib/net/policy";
import { CREDENTIAL_HEADER, crossOriginHeaders, secretMatcher } from "@/lib/net/request";

const APP_PORT = 3000;
const ENGINE_PORT = 8288;
const PUBLIC = "93.184.215.14";

const resolvesTo =
  (...addresses: string[]): Resolver =>
  async () =>
    addresses.map((address) => ({ address, family: address.includes(":") ? 6 : 4 }) as const);

function policy(options: Parameters<typeof createNetworkPolicy>[0] = {}): NetworkPolicy {
  return createNetworkPolicy({
    allow: ["127.0.0.1", "::1", "0.0.0.0", "::", "10.0.0.0/8", "169.254.0.0/16", "fd00::/8"],
    protectedPorts: [
      { port: APP_PORT, name: "this app's own port" },
      { port: ENGINE_PORT, name: "the workflow engine's port" },
    ],
    localAddresses: () => [],
    ...options,
  });
}

async function refusal(promise: Promise<unknown>): Promise<AddressRefusedError> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(AddressRefusedError);
  return error as AddressRefusedError;
}

describe("protected ports", () => {
  it("refuses the engine's port even when 127.0.0.1 is allowed", async () => {
    const error = await refusal(
      checkDestination(new URL("http://127.0.0.1:8288/v1/events"), policy()),
    );
    expect(error.message).toBe(
      "Refused to connect to http://127.0.0.1:8288: port 8288 is the workflow engine's port (127.0.0.1, loopback); steps may not call this app or its workflow engine, whatever HTTP_ALLOWLIST says.",
    );
    expect(error.retriable).toBe(false);
  });

  it("refuses the app's own port even when 127.0.0.1 is allowed", async () => {
    const error = await refusal(
      checkDestination(new URL("http://127.0.0.1:3000/api/runs"), policy()),
    );
    expect(error.message).toContain("port 3000 is this app's own port");
  });

  it.each([
    ["http://[::1]:8288/", "loopback"],
    ["http://0.0.0.0:8288/", "unspecified"],
    ["http://[::]:8288/", "unspecified"],
    ["http://10.0.0.7:8288/", "private"],
    ["http://169.254.10.1:8288/", "link-local"],
    ["http://[fd00::7]:8288/", "unique-local"],
    ["http://[::ffff:127.0.0.1]:8288/", "loopback"],
    ["http://127.8.9.10:3000/", "loopback"],
  ])("refuses %s (%s) although the allow-list covers it", async (url, kind) => {
    const error = await refusal(checkDestination(new URL(url), policy()));
    expect(error.message).toContain(
      `, ${kind}); steps may not call this app or its workflow engine`,
    );
  });

  it("refuses an address of this machine's own interfaces, even a public one", async () => {
    const own = policy({ localAddresses: () => ["127.0.0.1", PUBLIC, "fe80::1%eth0"] });
    const error = await refusal(checkDestination(new URL(`http://${PUBLIC}:3000/`), own));
    expect(error.message).toContain(`(${PUBLIC}, an address of this machine)`);
    await expect(checkDestination(new URL(`http://${PUBLIC}:3001/`), own)).resolves.toEqual({
      address: PUBLIC,
      family: 4,
    });
  });

  it("reads this machine's interfaces when the policy gives no list", () => {
    const listed = Object.values(networkInterfaces()).flatMap((list) =>
      (list ?? []).map((entry) => entry.address),
    );
    expect(listed.length).toBeGreaterThan(0);
    expect(createNetworkPolicy().localAddresses()).toEqual(listed);
  });

  it("refuses a name when any of its addresses is local on a protected port", async () => {
    const named = policy({ allow: ["*.fixture.test"], resolve: resolvesTo(PUBLIC, "127.0.0.1") });
    const error = await refusal(checkDestination(new URL("http://api.fixture.test:8288/"), named));
    expect(error.message).toContain(
      "port 8288 is the workflow engine's port (api.fixture.test resolves to 127.0.0.1, loopback)",
    );
  });

  it("leaves the same port on a public address alone", async () => {
    const remote = policy({ resolve: resolvesTo(PUBLIC) });
    await expect(
      checkDestination(new URL("http://api.example.com:3000/"), remote),
    ).resolves.toEqual({
      address: PUBLIC,
      family: 4,
    });
  });

  it("leaves the other ports of an allowed loopback address alone", async () => {
    await expect(checkDestination(new URL("http://127.0.0.1:3001/"), policy())).resolves.toEqual({
      address: "127.0.0.1",
      family: 4,
    });
  });

  it("counts a URL without a port as 80 or 443", async () => {
    const web = policy({
      protectedPorts: [
        { port: 80, name: "this app's own port" },
        { port: 443, name: "the workflow engine's port" },
      ],
    });
    expect(portOf(new URL("http://127.0.0.1/"))).toBe(80);
    expect(portOf(new URL("https://127.0.0.1/"))).toBe(443);
    expect(portOf(new URL("https://127.0.0.1:443/"))).toBe(443);
    expect((await refusal(checkDestination(new URL("http://127.0.0.1/"), web))).message).toContain(
      "port 80 is this app's own port",
    );
    expect((await refusal(checkDestination(new URL("https://127.0.0.1/"), web))).message).toContain(
      "port 443 is the workflow engine's port",
    );
  });

  it("applies to other TCP destinations (SMTP) too", async () => {
    const error = await refusal(
      checkHost(
        "localhost",
        3000,
        policy({ resolve: resolvesTo("127.0.0.1"), allow: ["localhost"] }),
      ),
    );
    expect(error.message).toContain(
      "Refused to connect to localhost:3000: port 3000 is this app's own port",
    );
    const v6 = await refusal(checkHost("::1", 8288, policy()));
    expect(v6.message).toMatch(
      /^Refused to connect to \[::1\]:8288: port 8288 is the workflow engine's port/,
    );
    await expect(checkHost("127.0.0.1", 2525, policy())).resolves.toEqual({
      address: "127.0.0.1",
      family: 4,
    });
  });
});

describe("allow-list ports in refusals", () => {
  it("says which ports an address is allowed on when another one is asked for", async () => {
    const only = policy({ allow: ["127.0.0.1:9000", "127.0.0.0/8:9001"] });
    await expect(checkHost("127.0.0.1", 9000, only)).resolves.toMatchObject({
      address: "127.0.0.1",
    });
    const error = await refusal(checkDestination(new URL("http://127.0.0.1:9002/"), only));
    expect(error.message).toBe(
      "Refused to connect to http://127.0.0.1:9002: loopback (127.0.0.0/8) addresses are not allowed. HTTP_ALLOWLIST permits it only on ports 9000, 9001.",
    );
  });

  it("checks the port of a name allowed with one", async () => {
    const named = policy({ allow: ["localhost:9000"], resolve: resolvesTo("127.0.0.1") });
    await expect(checkDestination(new URL("http://localhost:9000/"), named)).resolves.toBeDefined();
    const error = await refusal(checkDestination(new URL("http://localhost:9001/"), named));
    expect(error.message).toBe(
      "Refused to connect to http://localhost:9001: loopback (127.0.0.0/8) addresses are not allowed (localhost resolves to 127.0.0.1). HTTP_ALLOWLIST permits it only on port 9000.",
    );
  });
});

describe("the policy from env", () => {
  const names = (config: Record<string, string>, own: string[] = []) =>
    protectedPortsFromEnv(parseEnv(config), own);

  it("protects PORT and INNGEST_EMBEDDED_PORT, 3000 and 8288 by default", () => {
    expect(names({})).toEqual([
      { port: 3000, name: "this app's own port" },
      { port: 8288, name: "the workflow engine's port" },
    ]);
    expect(names({ PORT: "3100", INNGEST_EMBEDDED_PORT: "8300" }).map((p) => p.port)).toEqual([
      3100, 8300,
    ]);
  });

  it.each([
    ["http://localhost:4000", 4000],
    ["http://app.localhost", 80],
    ["https://127.0.0.1", 443],
    ["http://[::1]:5000", 5000],
    ["https://10.1.2.3:8443", 8443],
    ["http://0.0.0.0:4100", 4100],
  ])("adds the port of a local APP_URL (%s → %i)", (url, port) => {
    expect(names({ APP_URL: url })).toContainEqual({ port, name: "this app's own port" });
  });

  it("adds the port of an APP_URL on one of this machine's addresses", () => {
    expect(names({ APP_URL: `http://${PUBLIC}:4000` }, [PUBLIC])).toContainEqual({
      port: 4000,
      name: "this app's own port",
    });
  });

  it("leaves a public APP_URL's port alone", () => {
    expect(names({ APP_URL: "https://flowchat.example.com" }).map((p) => p.port)).toEqual([
      3000, 8288,
    ]);
    expect(names({ APP_URL: `http://${PUBLIC}:4000` }).map((p) => p.port)).toEqual([3000, 8288]);
  });

  it("adds a local INNGEST_BASE_URL's port, and the Dev Server's with INNGEST_DEV alone", () => {
    expect(names({ INNGEST_BASE_URL: "http://127.0.0.1:8289" })).toContainEqual({
      port: 8289,
      name: "the workflow engine's port",
    });
    expect(names({ INNGEST_BASE_URL: "https://inngest.example.com" })).toHaveLength(2);
    expect(names({ INNGEST_DEV: "1", INNGEST_EMBEDDED_PORT: "8300" }).map((p) => p.port)).toEqual([
      3000, 8300, 8288,
    ]);
  });

  it("lists a port once", () => {
    expect(names({ APP_URL: "http://localhost:3000", PORT: "3000" })).toEqual([
      { port: 3000, name: "this app's own port" },
      { port: 8288, name: "the workflow engine's port" },
    ]);
  });

  it("refuses the engine and app ports with HTTP_ALLOWLIST=127.0.0.1", async () => {
    const fromEnv = networkPolicyFromEnv(parseEnv({ HTTP_ALLOWLIST: "127.0.0.1" }));
    expect(fromEnv.allow.permits("127.0.0.1", "127.0.0.1", 9000)).toBe(true);
    for (const port of [3000, 8288]) {
      const error = await refusal(checkDestination(new URL(`http://127.0.0.1:${port}/`), fromEnv));
      expect(error.message).toContain("steps may not call this app or its workflow engine");
    }
  });

  it("is made once per env (every unit asks for it), and anew for another env", () => {
    const config = parseEnv({ HTTP_ALLOWLIST: "127.0.0.1:9000" });
    const policy = networkPolicyFromEnv(config);
    expect(networkPolicyFromEnv(config)).toBe(policy);
    const other = networkPolicyFromEnv(parseEnv({ HTTP_ALLOWLIST: "127.0.0.1:9001" }));
    expect(other).not.toBe(policy);
    expect(other.allow.permits("127.0.0.1", "127.0.0.1", 9001)).toBe(true);
    expect(policy.allow.permits("127.0.0.1", "127.0.0.1", 9001)).toBe(false);
  });

  it("stops at startup on a malformed HTTP_ALLOWLIST, naming each bad entry", () => {
    expect(() => parseEnv({ HTTP_ALLOWLIST: "127.0.0.1:99999, localhost, fd00::/8:443" })).toThrow(
      EnvError,
    );
    expect(() => parseEnv({ HTTP_ALLOWLIST: "127.0.0.1:99999, localhost, fd00::/8:443" })).toThrow(
      'Invalid configuration:\n  - HTTP_ALLOWLIST: entry "127.0.0.1:99999": the port "99999" is not a number from 1 to 65535\n  - HTTP_ALLOWLIST: entry "fd00::/8:443": an IPv6 network with a port is written in brackets: [fd00::/8]:443',
    );
    expect(
      parseEnv({ HTTP_ALLOWLIST: "127.0.0.1:9000,[::1]:9000,10.0.0.0/8:443" }).HTTP_ALLOWLIST,
    ).toBe("127.0.0.1:9000,[::1]:9000,10.0.0.0/8:443");
  });
});

describe("headers after a cross-origin redirect", () => {
  it.each([
    "Authorization",
    "Proxy-Authorization",
    "Cookie",
    "X-Api-Key",
    "x-api-key",
    "Api-Key",
    "apikey",
    "Private-Token",
    "X-Auth-Token",
    "X-Access-Token",
    "X-CSRF-Token",
    "X-Amz-Security-Token",
    "X-Client-Secret",
    "X-Password",
    "X-Passwd",
    "X-Session-Id",
    "X-Hub-Signature-256",
    "X-Goog-Api-Key",
    "X-Credentials",
    "X-JWT-Assertion",
    "Host",
  ])("drops %s", (name) => {
    expect(CREDENTIAL_HEADER.test(name)).toBe(true);
  });

  it.each([
    "Accept",
    "Accept-Encoding",
    "Accept-Language",
    "Cache-Control",
    "Content-Type",
    "Connection",
    "Keep-Alive",
    "If-None-Match",
    "User-Agent",
    "X-Request-Id",
    "X-Forwarded-For",
    "X-GitHub-Api-Version",
    "Notion-Version",
    "Prefer",
    "X-Hostname",
  ])("keeps %s", (name) => {
    expect(CREDENTIAL_HEADER.test(name)).toBe(false);
  });

  it("drops a header whose value carries a secret, raw or encoded", () => {
    const secret = "s3cr3t value/42";
    const kept = crossOriginHeaders(
      {
        "X-Tenant": `tenant ${secret}`,
        "X-Basic": `Basic ${Buffer.from(`me:${secret}`).toString("base64")}`,
        "X-Escaped": `q=${encodeURIComponent(secret)}`,
        "X-Keep": "s3cr3t value",
        Authorization: "Bearer other",
      },
      secretMatcher([secret, "abc"]),
    );
    expect(kept).toEqual({ "X-Keep": "s3cr3t value" });
  });

  it("matches nothing without secret values, and any stored value whatever its length", () => {
    expect(secretMatcher([])("anything")).toBe(false);
    expect(secretMatcher(["abc"])("abc")).toBe(true);
    expect(secretMatcher(["abcd"])("xabcdx")).toBe(true);
  });
});
