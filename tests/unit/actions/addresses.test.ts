import { describe, expect, it } from "vitest";
import { blockedReason, embeddedIpv4, ipv6Groups, parseAllowList } from "@/lib/net/addresses";

describe("address classification", () => {
  it.each([
    ["127.0.0.1", "loopback"],
    ["127.255.0.9", "loopback"],
    ["10.0.0.1", "private"],
    ["172.16.5.4", "private"],
    ["172.31.255.255", "private"],
    ["192.168.100.1", "private"],
    ["169.254.169.254", "link-local"],
    ["100.64.1.1", "carrier-grade NAT"],
    ["0.0.0.0", "unspecified"],
    ["224.0.0.251", "multicast"],
    ["255.255.255.255", "reserved"],
    ["::", "unspecified"],
    ["::1", "loopback"],
    ["fe80::1%eth0", "link-local"],
    ["fd12:3456::1", "unique-local"],
    ["fc00::1", "unique-local"],
    ["ff02::1", "multicast"],
    ["::ffff:10.0.0.1", "private"],
    ["::ffff:7f00:1", "loopback"],
    ["::ffff:169.254.169.254", "link-local"],
    ["64:ff9b::a9fe:a9fe", "link-local"],
    ["2002:c0a8:0101::1", "private"],
    ["::127.0.0.1", "loopback"],
    ["2001:db8::1", "documentation"],
  ])("refuses %s (%s)", (address, kind) => {
    expect(blockedReason(address)).toContain(kind);
  });

  it.each([
    "93.184.215.14",
    "8.8.8.8",
    "172.32.0.1",
    "100.128.0.1",
    "2606:4700::1111",
    "::ffff:8.8.8.8",
  ])("allows public %s", (address) => {
    expect(blockedReason(address)).toBeUndefined();
  });

  it("refuses anything that is not an address", () => {
    expect(blockedReason("example.com")).toBe("not an IP address");
  });

  it("expands IPv6 and finds the IPv4 address inside", () => {
    expect(ipv6Groups("::1")).toEqual([0, 0, 0, 0, 0, 0, 0, 1]);
    expect(ipv6Groups("1:2::7:8")).toEqual([1, 2, 0, 0, 0, 0, 7, 8]);
    expect(embeddedIpv4("::ffff:192.168.0.1")).toBe("192.168.0.1");
    expect(embeddedIpv4("2606:4700::1111")).toBeUndefined();
  });
});

describe("allow-list", () => {
  it("permits by host name, wildcard suffix, address and network", () => {
    const allow = parseAllowList("localhost, *.internal.example ,127.0.0.1 10.1.0.0/16,fd00::/8");
    expect(allow.permits("localhost", "127.0.0.1")).toBe(true);
    expect(allow.permits("api.internal.example", "10.9.9.9")).toBe(true);
    expect(allow.permits("internal.example", "10.9.9.9")).toBe(false);
    expect(allow.permits("x.test", "127.0.0.1")).toBe(true);
    expect(allow.permits("x.test", "127.0.0.2")).toBe(false);
    expect(allow.permits("x.test", "10.1.200.3")).toBe(true);
    expect(allow.permits("x.test", "::ffff:10.1.0.1")).toBe(true);
    expect(allow.permits("x.test", "fd00::5")).toBe(true);
    expect(allow.permits("x.test", "::1")).toBe(false);
  });

  it("is empty when unset and rejects malformed entries", () => {
    expect(parseAllowList(undefined).permits("localhost", "127.0.0.1")).toBe(false);
    expect(() => parseAllowList("10.0.0.0/99")).toThrow(/invalid prefix/);
    expect(() => parseAllowList("http://x")).toThrow(/not a host name/);
  });
});
