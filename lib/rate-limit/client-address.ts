// The caller's address for per-address rate limits, from the headers of a route handler's
// request or a server action's `headers()`.
//
// Next 16 (`next start`) has no `request.ip`. Its base server fills `x-forwarded-for` with the
// socket's remote address only when the request has none (`??=` in base-server.js), so a client
// that talks to the app directly can send any value it likes. Proxies in front of the app
// append the address they saw, so the right-most entries are the trustworthy ones:
//   - TRUST_PROXY=0 (no proxy): the right-most entry is the socket address for an honest
//     client, but a client can forge it. Per-address limits are best effort; the per-account
//     and per-user limits hold regardless.
//   - TRUST_PROXY=N: the N-th entry from the right is the address the outermost of the N
//     proxies saw, which no client can choose.
import { isIPv4, isIPv6 } from "node:net";

/** The address key for `headers`, given how many proxies append to X-Forwarded-For. */
export function clientAddress(headers: Headers, trustedProxies: number): string {
  const entries = (headers.get("x-forwarded-for") ?? "")
    .split(",")
    .map((entry) => entry.trim())
    .filter(Boolean);
  const index = Math.max(entries.length - Math.max(trustedProxies, 1), 0);
  return addressKey(entries[index] ?? "");
}

/**
 * One key per client: IPv4 as is (IPv4-mapped IPv6 too), IPv6 by its /64 network (one host
 * usually holds a whole /64), anything else as "unknown" so forged junk shares one bucket.
 */
export function addressKey(raw: string): string {
  let value = raw.trim();
  const bracketed = /^\[([^\]]+)\](?::\d+)?$/.exec(value);
  if (bracketed?.[1]) value = bracketed[1];
  else if (/^[\d.]+:\d+$/.test(value)) value = value.slice(0, value.lastIndexOf(":"));
  value = value.replace(/%.*$/, "").toLowerCase();
  if (isIPv4(value)) return value;
  if (!isIPv6(value)) return "unknown";
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/.exec(value);
  if (mapped?.[1] && isIPv4(mapped[1])) return mapped[1];
  const groups = expandIPv6(value);
  return `${groups.slice(0, 4).join(":")}::/64`;
}

/** The eight 16-bit groups of a valid IPv6 address, without leading zeros. */
function expandIPv6(value: string): string[] {
  // An embedded IPv4 tail (::1.2.3.4) becomes two groups.
  const v4 = /(\d+\.\d+\.\d+\.\d+)$/.exec(value)?.[1];
  let text = value;
  if (v4) {
    const [a, b, c, d] = v4.split(".").map(Number) as [number, number, number, number];
    text = `${value.slice(0, -v4.length)}${((a << 8) | b).toString(16)}:${((c << 8) | d).toString(16)}`;
  }
  const [head = "", tail] = text.split("::");
  const left = head ? head.split(":") : [];
  const right = tail ? tail.split(":") : [];
  const zeros = tail === undefined ? [] : Array(8 - left.length - right.length).fill("0");
  return [...left, ...zeros, ...right].map((group) => Number.parseInt(group, 16).toString(16));
}
