// The SSRF guard's decisions without a network: allow-list ports in refusals, and a malformed
// HTTP_ALLOWLIST.
import { describe, expect, it } from "vitest";
import { EnvError, parseEnv } from "@/lib/env";
import { AddressRefusedError } from "@/lib/net/errors";
import {
  checkDestination,
  checkHost,
  createNetworkPolicy,
  type NetworkPolicy,
  type Resolver,
} from "@/lib/net/policy";

const resolvesTo =
  (...addresses: string[]): Resolver =>
  async () =>
    addresses.map((address) => ({ address, family: address.includes(":") ? 6 : 4 }) as const);

function policy(options: Parameters<typeof createNetworkPolicy>[0] = {}): NetworkPolicy {
  return createNetworkPolicy({ allow: ["127.0.0.1"], ...options });
}

async function refusal(promise: Promise<unknown>): Promise<AddressRefusedError> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(AddressRefusedError);
  return error as AddressRefusedError;
}

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

describe("HTTP_ALLOWLIST in env", () => {
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
