import { describe, expect, it } from "vitest";
import { blockedReason, embeddedIpv4, ipv6Groups } from "@/lib/net/addresses";
import { AllowListError, parseAllowList } from "@/lib/net/allow-list";

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
  it("permits by host name, wildcard suffix, address and network, on any port without one", () => {
    const allow = parseAllowList("localhost, *.internal.example ,127.0.0.1 10.1.0.0/16,fd00::/8");
    expect(allow.permits("localhost", "127.0.0.1", 80)).toBe(true);
    expect(allow.permits("api.internal.example", "10.9.9.9", 443)).toBe(true);
    expect(allow.permits("internal.example", "10.9.9.9", 443)).toBe(false);
    expect(allow.permits("x.test", "127.0.0.1", 1)).toBe(true);
    expect(allow.permits("x.test", "127.0.0.1", 65535)).toBe(true);
    expect(allow.permits("x.test", "127.0.0.2", 80)).toBe(false);
    expect(allow.permits("x.test", "10.1.200.3", 80)).toBe(true);
    expect(allow.permits("x.test", "::ffff:10.1.0.1", 80)).toBe(true);
    expect(allow.permits("x.test", "fd00::5", 80)).toBe(true);
    expect(allow.permits("x.test", "::1", 80)).toBe(false);
  });

  it.each([
    ["localhost:8080", "localhost", "127.0.0.1"],
    ["*.internal.example:443", "api.internal.example", "10.0.0.1"],
    ["127.0.0.1:9000", "x.test", "127.0.0.1"],
    ["[::1]:9000", "x.test", "::1"],
    ["10.0.0.0/8:9000", "x.test", "10.20.30.40"],
    ["[fd00::/8]:9000", "x.test", "fd12::1"],
  ])("limits %s to exactly that port", (entry, hostname, address) => {
    const port = Number(entry.split(":").at(-1));
    const allow = parseAllowList(entry);
    expect(allow.permits(hostname, address, port)).toBe(true);
    expect(allow.permits(hostname, address, port + 1)).toBe(false);
    expect(allow.permits(hostname, address, 80)).toBe(false);
  });

  it("accepts IPv6 in brackets without a port, and ports on IPv4 networks", () => {
    const allow = parseAllowList("[::1], [fd00::/8], 192.168.0.0/16:5432");
    expect(allow.permits("x.test", "::1", 1234)).toBe(true);
    expect(allow.permits("x.test", "fd00::9", 1234)).toBe(true);
    expect(allow.permits("x.test", "192.168.1.2", 5432)).toBe(true);
    expect(allow.permits("x.test", "::ffff:192.168.1.2", 5432)).toBe(true);
    expect(allow.permits("x.test", "192.168.1.2", 5433)).toBe(false);
  });

  it("reads an unbracketed IPv6 address as an address, never as address and port", () => {
    const allow = parseAllowList("::1:8080");
    expect(allow.permits("x.test", "::1", 8080)).toBe(false);
    expect(allow.permits("x.test", "::1:8080", 22)).toBe(true);
  });

  it("tells which ports entries with a port list, and whether one without a port matches", () => {
    const allow = parseAllowList("127.0.0.1:9000, 127.0.0.0/8:8000, localhost:9000, 10.0.0.0/8");
    expect(allow.match("x.test", "127.0.0.1")).toEqual({ anyPort: false, ports: [8000, 9000] });
    expect(allow.match("localhost", "127.0.0.1")).toEqual({ anyPort: false, ports: [8000, 9000] });
    expect(allow.match("x.test", "10.0.0.1")).toEqual({ anyPort: true, ports: [] });
    expect(allow.match("x.test", "192.168.0.1")).toEqual({ anyPort: false, ports: [] });
  });

  it("is empty when unset", () => {
    expect(parseAllowList(undefined).permits("localhost", "127.0.0.1", 80)).toBe(false);
    expect(parseAllowList("").entries).toEqual([]);
  });

  it.each([
    [
      "10.0.0.0/99",
      'entry "10.0.0.0/99": the prefix length "/99" is invalid (0 to 32 for an IPv4 network)',
    ],
    [
      "fd00::/200",
      'entry "fd00::/200": the prefix length "/200" is invalid (0 to 128 for an IPv6 network)',
    ],
    ["http://x", 'entry "http://x": write the host (and :port) alone, not a URL'],
    ["localhost:0", 'entry "localhost:0": the port "0" is not a number from 1 to 65535'],
    [
      "localhost:65536",
      'entry "localhost:65536": the port "65536" is not a number from 1 to 65535',
    ],
    ["127.0.0.1:", 'entry "127.0.0.1:": the port "" is not a number from 1 to 65535'],
    [
      "10.0.0.0/8:https",
      'entry "10.0.0.0/8:https": the port "https" is not a number from 1 to 65535',
    ],
    [
      "fd00::/8:8443",
      'entry "fd00::/8:8443": an IPv6 network with a port is written in brackets: [fd00::/8]:8443',
    ],
    [
      "[fd00::]/8:8443",
      'entry "[fd00::]/8:8443": write the prefix length inside the brackets: [fd00::/8]:8443',
    ],
    [
      "fd00:1:2:3:4:5:6:7:8",
      'entry "fd00:1:2:3:4:5:6:7:8": an IPv6 address with a port is written in brackets, e.g. [::1]:8080',
    ],
    [
      "[10.0.0.1]:80",
      'entry "[10.0.0.1]:80": brackets hold an IPv6 address or network only, e.g. [::1] or [fd00::/8]',
    ],
    ["[::1", 'entry "[::1": the opening [ has no closing ]'],
    ["[::1]8080", 'entry "[::1]8080": unexpected "8080" after ]'],
    ["10.0.0.0/8/9", 'entry "10.0.0.0/8/9": a network has one prefix length'],
    ["example.com/24", 'entry "example.com/24": "example.com" before the / is not an IP address'],
    ["127.1", 'entry "127.1": "127.1" is not a valid IPv4 address'],
    ["*.", 'entry "*.": "" after *. is not a host name'],
    ["*.bad_name:80", 'entry "*.bad_name:80": "bad_name" after *. is not a host name'],
    [
      "*",
      'entry "*": it is not a host name, *.suffix, IP address or CIDR network (each with an optional :port)',
    ],
  ])("rejects %s, naming the entry and what is wrong", (entry, message) => {
    expect(() => parseAllowList(entry)).toThrow(message);
  });

  it("names every malformed entry in one error", () => {
    try {
      parseAllowList("127.0.0.1:99999, localhost, fd00::/8:443");
      expect.unreachable();
    } catch (error) {
      expect(error).toBeInstanceOf(AllowListError);
      expect((error as AllowListError).problems).toEqual([
        'entry "127.0.0.1:99999": the port "99999" is not a number from 1 to 65535',
        'entry "fd00::/8:443": an IPv6 network with a port is written in brackets: [fd00::/8]:443',
      ]);
    }
  });
});
