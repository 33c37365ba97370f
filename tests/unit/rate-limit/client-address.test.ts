// Which address a per-address limit counts: Next's X-Forwarded-For, read from the right.
import { describe, expect, it } from "vitest";
import { addressKey, clientAddress } from "@/lib/rate-limit/client-address";

const withForwarded = (value?: string) =>
  new Headers(value === undefined ? {} : { "x-forwarded-for": value });

describe("the client address", () => {
  it("is the socket address Next writes into X-Forwarded-For when the request had none", () => {
    expect(clientAddress(withForwarded("203.0.113.5"), 0)).toBe("203.0.113.5");
    expect(clientAddress(withForwarded("::ffff:127.0.0.1"), 0)).toBe("127.0.0.1");
  });

  it("is the entry the one trusted proxy appended, not what the client wrote before it", () => {
    const headers = withForwarded("6.6.6.6, 203.0.113.5");
    expect(clientAddress(headers, 1)).toBe("203.0.113.5");
    // Without TRUST_PROXY the right-most entry is read too: a forged left part never counts.
    expect(clientAddress(headers, 0)).toBe("203.0.113.5");
  });

  it("skips the entries of every trusted proxy", () => {
    const headers = withForwarded("6.6.6.6, 203.0.113.5, 10.0.0.2");
    expect(clientAddress(headers, 2)).toBe("203.0.113.5");
    expect(clientAddress(withForwarded("203.0.113.5"), 3)).toBe("203.0.113.5");
  });

  it("is 'unknown' when there is no address or it is not one", () => {
    expect(clientAddress(withForwarded(), 0)).toBe("unknown");
    expect(clientAddress(withForwarded("<script>"), 0)).toBe("unknown");
    expect(clientAddress(withForwarded("evil.example"), 1)).toBe("unknown");
  });
});

describe("address keys", () => {
  it.each([
    ["198.51.100.7", "198.51.100.7"],
    ["198.51.100.7:51234", "198.51.100.7"],
    ["::ffff:198.51.100.7", "198.51.100.7"],
    ["2001:db8:1:2:3:4:5:6", "2001:db8:1:2::/64"],
    ["2001:DB8:1:2::9", "2001:db8:1:2::/64"],
    ["[2001:db8:1:2::9]:443", "2001:db8:1:2::/64"],
    ["2001:db8::1", "2001:db8:0:0::/64"],
    ["fe80::1%eth0", "fe80:0:0:0::/64"],
    ["::1", "0:0:0:0::/64"],
    ["::", "0:0:0:0::/64"],
    ["64:ff9b::198.51.100.7", "64:ff9b:0:0::/64"],
  ])("%s counts as %s", (raw, key) => {
    expect(addressKey(raw)).toBe(key);
  });

  it("gives every address of one IPv6 /64 network the same key", () => {
    expect(addressKey("2001:db8:aa:bb:1::1")).toBe(addressKey("2001:db8:aa:bb:ffff::2"));
  });
});
