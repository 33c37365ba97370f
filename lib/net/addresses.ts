// Which IP addresses a workflow may reach: special-purpose ranges (private, loopback,
// link-local, unique-local, CGNAT, multicast, unspecified, documentation…) are refused, and
// IPv6 forms that embed an IPv4 address (mapped, NAT64, 6to4, compatible) are judged by the
// IPv4 address inside them.
import { BlockList, isIP } from "node:net";

type Range = { network: string; prefix: number; family: "ipv4" | "ipv6"; label: string };

const RANGES: Range[] = [
  { network: "0.0.0.0", prefix: 8, family: "ipv4", label: "unspecified (0.0.0.0/8)" },
  { network: "10.0.0.0", prefix: 8, family: "ipv4", label: "private (10.0.0.0/8)" },
  { network: "100.64.0.0", prefix: 10, family: "ipv4", label: "carrier-grade NAT (100.64.0.0/10)" },
  { network: "127.0.0.0", prefix: 8, family: "ipv4", label: "loopback (127.0.0.0/8)" },
  { network: "169.254.0.0", prefix: 16, family: "ipv4", label: "link-local (169.254.0.0/16)" },
  { network: "172.16.0.0", prefix: 12, family: "ipv4", label: "private (172.16.0.0/12)" },
  { network: "192.0.0.0", prefix: 24, family: "ipv4", label: "IETF protocol (192.0.0.0/24)" },
  { network: "192.0.2.0", prefix: 24, family: "ipv4", label: "documentation (192.0.2.0/24)" },
  { network: "192.88.99.0", prefix: 24, family: "ipv4", label: "6to4 relay (192.88.99.0/24)" },
  { network: "192.168.0.0", prefix: 16, family: "ipv4", label: "private (192.168.0.0/16)" },
  { network: "198.18.0.0", prefix: 15, family: "ipv4", label: "benchmarking (198.18.0.0/15)" },
  { network: "198.51.100.0", prefix: 24, family: "ipv4", label: "documentation (198.51.100.0/24)" },
  { network: "203.0.113.0", prefix: 24, family: "ipv4", label: "documentation (203.0.113.0/24)" },
  { network: "224.0.0.0", prefix: 4, family: "ipv4", label: "multicast (224.0.0.0/4)" },
  { network: "240.0.0.0", prefix: 4, family: "ipv4", label: "reserved (240.0.0.0/4)" },
  { network: "::", prefix: 128, family: "ipv6", label: "unspecified (::)" },
  { network: "::1", prefix: 128, family: "ipv6", label: "loopback (::1)" },
  { network: "100::", prefix: 64, family: "ipv6", label: "discard (100::/64)" },
  { network: "2001::", prefix: 23, family: "ipv6", label: "IETF protocol (2001::/23)" },
  { network: "2001:db8::", prefix: 32, family: "ipv6", label: "documentation (2001:db8::/32)" },
  { network: "fc00::", prefix: 7, family: "ipv6", label: "unique-local (fc00::/7)" },
  { network: "fe80::", prefix: 10, family: "ipv6", label: "link-local (fe80::/10)" },
  { network: "fec0::", prefix: 10, family: "ipv6", label: "site-local (fec0::/10)" },
  { network: "ff00::", prefix: 8, family: "ipv6", label: "multicast (ff00::/8)" },
];

const compiled = RANGES.map((range) => {
  const list = new BlockList();
  list.addSubnet(range.network, range.prefix, range.family);
  return { ...range, list };
});

/** The eight 16-bit groups of an IPv6 address (zone id dropped), or undefined. */
export function ipv6Groups(address: string): number[] | undefined {
  const bare = address.replace(/%.*$/, "").replace(/^\[|\]$/g, "");
  if (isIP(bare) !== 6) return undefined;
  let text = bare;
  const dotted = text.match(/(\d+\.\d+\.\d+\.\d+)$/);
  if (dotted) {
    const bytes = dotted[1].split(".").map(Number);
    text = `${text.slice(0, -dotted[1].length)}${((bytes[0] << 8) | bytes[1]).toString(16)}:${((bytes[2] << 8) | bytes[3]).toString(16)}`;
  }
  const [head, tail] = text.includes("::") ? text.split("::") : [text, undefined];
  const parse = (part: string) => (part ? part.split(":").map((g) => Number.parseInt(g, 16)) : []);
  const left = parse(head);
  if (tail === undefined) return left;
  const right = parse(tail);
  return [...left, ...new Array(8 - left.length - right.length).fill(0), ...right];
}

function ipv4FromGroups(high: number, low: number): string {
  return [high >> 8, high & 0xff, low >> 8, low & 0xff].join(".");
}

/** The IPv4 address an IPv6 address carries (mapped, compatible, NAT64, 6to4), if any. */
export function embeddedIpv4(address: string): string | undefined {
  const g = ipv6Groups(address);
  if (!g) return undefined;
  const zeros = (n: number) => g.slice(0, n).every((x) => x === 0);
  if (zeros(5) && g[5] === 0xffff) return ipv4FromGroups(g[6], g[7]);
  // IPv4-compatible (deprecated ::a.b.c.d); :: and ::1 are handled as themselves.
  if (zeros(6) && (g[6] !== 0 || g[7] > 1)) return ipv4FromGroups(g[6], g[7]);
  if (g[0] === 0x64 && g[1] === 0xff9b && g.slice(2, 6).every((x) => x === 0))
    return ipv4FromGroups(g[6], g[7]);
  if (g[0] === 0x2002) return ipv4FromGroups(g[1], g[2]);
  return undefined;
}

/**
 * Why an address may not be contacted ("loopback (127.0.0.0/8)"), or undefined for a
 * public address. Anything that is not an IP address is refused.
 */
export function blockedReason(address: string): string | undefined {
  const bare = address.replace(/%.*$/, "").replace(/^\[|\]$/g, "");
  const family = isIP(bare);
  if (family === 0) return "not an IP address";
  if (family === 6) {
    const inner = embeddedIpv4(bare);
    if (inner) {
      const reason = blockedReason(inner);
      return reason ? `${reason} inside an IPv6 address` : undefined;
    }
  }
  const type = family === 4 ? "ipv4" : "ipv6";
  return compiled.find((range) => range.family === type && range.list.check(bare, type))?.label;
}
